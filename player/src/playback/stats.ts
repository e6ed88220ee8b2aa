/** Rolling playback statistics for the overlay: render time, frame rate, size, bitrate, buffer. */

export interface PlayerStats {
  /** GPU milliseconds per rendered frame (moving average) and of the last frame. */
  renderMs: number;
  lastRenderMs: number;
  /** Frames drawn per second over the last second. */
  fps: number;
  /** Render size in pixels. */
  width: number;
  height: number;
  /** Measured: loaded bits per second of media; declared: the rendition's BANDWIDTH. */
  bitrateKbps: number;
  declaredKbps: number;
  bufferedAheadS: number;
  framesRendered: number;
  /** Display refreshes where the next frame was due but the GPU was still busy with the previous one. */
  framesDropped: number;
  /** Source frame rate × the chosen factor (0 = every display refresh). */
  sourceFps: number;
  frameRateFactor: number;
  adapter: string;
}

export class StatsTracker {
  private readonly frameTimes: number[] = [];
  private avgMs = 0;
  private lastMs = 0;
  private rendered = 0;
  private dropped = 0;
  private loadedBytes = 0;
  private loadedSeconds = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  frame(gpuMs: number): void {
    const t = this.now();
    this.frameTimes.push(t);
    while (this.frameTimes.length > 0 && this.frameTimes[0] < t - 1000) this.frameTimes.shift();
    this.lastMs = gpuMs;
    this.avgMs = this.rendered === 0 ? gpuMs : 0.9 * this.avgMs + 0.1 * gpuMs;
    this.rendered++;
  }

  drop(): void {
    this.dropped++;
  }

  segment(bytes: number, seconds: number): void {
    this.loadedBytes += bytes;
    this.loadedSeconds += seconds;
  }

  snapshot(
    extra: Pick<
      PlayerStats,
      'width' | 'height' | 'declaredKbps' | 'bufferedAheadS' | 'sourceFps' | 'frameRateFactor' | 'adapter'
    >,
  ): PlayerStats {
    const t = this.now();
    const recent = this.frameTimes.filter((x) => x >= t - 1000).length;
    return {
      renderMs: this.avgMs,
      lastRenderMs: this.lastMs,
      fps: recent,
      bitrateKbps: this.loadedSeconds > 0 ? (this.loadedBytes * 8) / this.loadedSeconds / 1000 : 0,
      framesRendered: this.rendered,
      framesDropped: this.dropped,
      ...extra,
    };
  }
}
