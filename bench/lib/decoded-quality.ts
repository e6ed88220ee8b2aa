/**
 * Decoded quality of a model as it stands in training: pack it (quantize + Huffman) into a one-chunk file, decode
 * the given frames and score them against the clip. What a viewer would get at that point, not the batch loss.
 * decodeFps times the renders alone (the decoder's first frame includes its model setup).
 */
import type { RendererFactory } from '../../src/codec/decoder/stream-decoder.js';
import { StreamDecoder } from '../../src/codec/decoder/stream-decoder.js';
import type { BitAllocation } from '../../src/codec/encoder/bit-allocation.js';
import { type PackOptions, packChunk } from '../../src/codec/encoder/pack.js';
import { PsnrMeter } from '../../src/codec/metrics/index.js';
import type { ModelConfig } from '../../src/codec/model/config.js';
import type { ParamSet } from '../../src/codec/model/params.js';
import { toRgb8 } from '../../src/codec/render/output.js';
import { writeLirnFile } from '../../src/container/index.js';
import { newLirnFile } from '../../src/container/lirn-file.js';
import type { MemoryClip } from './peers.js';

/** The frames the exploration benchmarks score: every 8th (every frame of clips shorter than 8). */
export function everyEighthFrame(frameCount: number): number[] {
  const stride = Math.min(8, frameCount);
  return Array.from({ length: Math.ceil(frameCount / stride) }, (_, i) => i * stride);
}

export function decodedQuality(
  clip: MemoryClip,
  config: ModelConfig,
  params: ParamSet,
  evalFrames: readonly number[],
  renderer: RendererFactory,
  bits?: BitAllocation,
  pack?: PackOptions,
): { psnr: number; bpp: number; decodeFps: number } {
  const { width, height } = clip;
  const frameCount = clip.frames.length;
  const { chunk, samples } = packChunk(
    config,
    params,
    { width, height, firstFrame: 0, frameCount },
    bits,
    pack,
  );
  const file = newLirnFile(
    { timescale: clip.fps.num, sampleDuration: clip.fps.den, frameCount, width, height },
    [chunk],
    [{ chunkIndex: 0, firstFrame: 0, baseMediaDecodeTime: 0, samples }],
  );
  const bytes = writeLirnFile(file).length;
  const decoder = new StreamDecoder(file, renderer);
  const meter = new PsnrMeter();
  let renderMs = 0;
  for (const t of evalFrames) {
    const started = performance.now();
    const frame = decoder.renderFrame(t);
    renderMs += performance.now() - started;
    meter.add(toRgb8(frame), clip.frames[t]);
  }
  return {
    psnr: meter.summary().average,
    bpp: (bytes * 8) / (width * height * frameCount),
    decodeFps: (evalFrames.length * 1000) / renderMs,
  };
}
