/** Shared checks for metric inputs: interleaved RGB frames (row-major HWC), 8-bit or float. */

export type RgbFrame = Uint8Array | Float32Array;

export function checkPair(a: RgbFrame, b: RgbFrame, metric: string): void {
  const ok = (f: unknown) => f instanceof Uint8Array || f instanceof Float32Array;
  if (!ok(a) || !ok(b)) throw new TypeError(`${metric}: frames must be Uint8Array or Float32Array`);
  if (a.constructor !== b.constructor) {
    throw new TypeError(
      `${metric}: both frames must have the same type (got ${a.constructor.name} and ${b.constructor.name})`,
    );
  }
  if (a.length !== b.length)
    throw new RangeError(`${metric}: frame lengths differ (${a.length} vs ${b.length})`);
  if (a.length === 0 || a.length % 3 !== 0) {
    throw new RangeError(`${metric}: frame length ${a.length} is not a positive multiple of 3 (RGB)`);
  }
}

/** The default peak: 255 for 8-bit frames, 1 for float frames in [0, 1]. */
export function defaultPeak(frame: RgbFrame): number {
  return frame instanceof Uint8Array ? 255 : 1;
}
