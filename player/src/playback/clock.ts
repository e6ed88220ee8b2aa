/**
 * The media clock: seconds of media time, advancing with wall time while playing and not stalled (waiting for
 * data), clamped to [0, duration]. `now` is injectable so tests drive time by hand.
 */
export class PlaybackClock {
  private base = 0;
  private since = 0;
  private playing = false;
  private stalled = false;

  constructor(
    private duration: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Media time in seconds. */
  get time(): number {
    if (!this.running) return this.base;
    return Math.min(this.duration, this.base + (this.now() - this.since) / 1000);
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  get isStalled(): boolean {
    return this.stalled;
  }

  get ended(): boolean {
    return this.time >= this.duration;
  }

  get totalDuration(): number {
    return this.duration;
  }

  private get running(): boolean {
    return this.playing && !this.stalled;
  }

  setDuration(seconds: number): void {
    this.freeze();
    this.duration = seconds;
    this.base = Math.min(this.base, seconds);
  }

  play(): void {
    if (this.playing) return;
    if (this.ended) this.base = 0;
    this.playing = true;
    this.since = this.now();
  }

  pause(): void {
    this.freeze();
    this.playing = false;
  }

  seek(seconds: number): void {
    const t = Number.isFinite(seconds) ? Math.max(0, Math.min(this.duration, seconds)) : 0;
    this.base = t;
    this.since = this.now();
  }

  /** Holds the clock while frames are missing; time resumes from where it stopped. */
  setStalled(stalled: boolean): void {
    if (stalled === this.stalled) return;
    this.freeze();
    this.stalled = stalled;
  }

  private freeze(): void {
    this.base = this.time;
    this.since = this.now();
  }
}

/**
 * The frame time shown at media time `seconds`: `fps` source frames per second, shown `factor` times as often
 * (factor 2 doubles the frame rate through latent interpolation; factor 0 means every display refresh, any
 * fractional time). Clamped to the last frame.
 */
export function frameTimeAt(seconds: number, fps: number, totalFrames: number, factor: number): number {
  const raw = Math.max(0, seconds * fps);
  // A hair of tolerance so a seek to k/fps lands on frame k despite binary rounding.
  const t = factor > 0 ? Math.floor(raw * factor + 1e-6) / factor : raw;
  return Math.min(t, totalFrames - 1);
}
