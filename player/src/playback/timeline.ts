/**
 * Which model(s) draw global frame time `t`: inside a chunk, its model at local time `t − firstFrame` (latent
 * interpolation for fractional times, spec §4.3.1); between a chunk's last frame and the next chunk's first,
 * both models blended (as src/codec/decoder/stream-decoder.ts does). Tracks which latent rows are loaded, so it
 * can say a frame is not yet available instead of drawing garbage.
 */

export interface TimelineChunk<M> {
  key: string;
  firstFrame: number;
  frameCount: number;
  model: M;
  /** 1 where the latent row is loaded. */
  rows: Uint8Array;
}

export interface ModelAt<M> {
  chunk: TimelineChunk<M>;
  /** Local frame time within the chunk, in [0, frameCount − 1]. */
  t: number;
}

export type FramePlan<M> =
  | { kind: 'frame'; a: ModelAt<M>; b: ModelAt<M> | null; beta: number }
  | { kind: 'missing'; frame: number };

export class Timeline<M> {
  /** Sorted by firstFrame. */
  private chunks: TimelineChunk<M>[] = [];

  addChunk(key: string, firstFrame: number, frameCount: number, model: M): TimelineChunk<M> {
    this.removeChunk(key);
    const chunk: TimelineChunk<M> = { key, firstFrame, frameCount, model, rows: new Uint8Array(frameCount) };
    this.chunks.push(chunk);
    this.chunks.sort((x, y) => x.firstFrame - y.firstFrame);
    return chunk;
  }

  removeChunk(key: string): TimelineChunk<M> | undefined {
    const i = this.chunks.findIndex((c) => c.key === key);
    if (i < 0) return undefined;
    return this.chunks.splice(i, 1)[0];
  }

  get(key: string): TimelineChunk<M> | undefined {
    return this.chunks.find((c) => c.key === key);
  }

  all(): readonly TimelineChunk<M>[] {
    return this.chunks;
  }

  /** Marks global frames firstFrame … firstFrame + rows − 1 of chunk `key` loaded (or not). */
  setRows(key: string, firstFrame: number, rows: number, loaded: boolean): void {
    const c = this.get(key);
    if (!c) return;
    const from = Math.max(0, firstFrame - c.firstFrame);
    const to = Math.min(c.frameCount, firstFrame - c.firstFrame + rows);
    if (to > from) c.rows.fill(loaded ? 1 : 0, from, to);
  }

  private chunkOf(frame: number): TimelineChunk<M> | undefined {
    for (const c of this.chunks) if (frame >= c.firstFrame && frame < c.firstFrame + c.frameCount) return c;
    return undefined;
  }

  private has(c: TimelineChunk<M>, local: number): boolean {
    return c.rows[local] === 1;
  }

  plan(t: number): FramePlan<M> {
    const f0 = Math.floor(t);
    const a = this.chunkOf(f0);
    if (!a) return { kind: 'missing', frame: f0 };
    const local = t - a.firstFrame;
    const last = a.frameCount - 1;
    if (local <= last) {
      const r0 = Math.floor(local);
      const r1 = Math.min(r0 + 1, last);
      if (!this.has(a, r0)) return { kind: 'missing', frame: a.firstFrame + r0 };
      if (local > r0 && !this.has(a, r1)) return { kind: 'missing', frame: a.firstFrame + r1 };
      return { kind: 'frame', a: { chunk: a, t: local }, b: null, beta: 0 };
    }
    // Between the last frame of `a` and the first of the next chunk.
    const beta = local - last;
    const next = this.chunkOf(a.firstFrame + a.frameCount);
    if (!this.has(a, last)) return { kind: 'missing', frame: a.firstFrame + last };
    if (!next || !this.has(next, 0)) return { kind: 'missing', frame: a.firstFrame + a.frameCount };
    return { kind: 'frame', a: { chunk: a, t: last }, b: { chunk: next, t: 0 }, beta };
  }
}
