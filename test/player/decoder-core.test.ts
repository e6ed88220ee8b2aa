import { describe, expect, it } from 'vitest';
import { DecodeFailure, InlineDecoder } from '../../player/src/decode/decoder-client.js';
import { DecoderCore } from '../../player/src/decode/decoder-core.js';
import { decodeChunkModel } from '../../src/codec/decoder/chunk-model.js';
import { fixtureVideo } from './fixture-video.js';

describe('DecoderCore (the worker’s decoding, on the project’s bitstream modules)', () => {
  const video = fixtureVideo();

  it('gives the same weights and latents as decoding the whole file', () => {
    const core = new DecoderCore();
    video.file.chunks.forEach((chunk, k) => {
      const decoded = core.decodeInit(`init-${k}`, video.inits[k]);
      const reference = decodeChunkModel(
        chunk,
        video.file.segments.filter((s) => s.chunkIndex === k),
      );
      expect(decoded.config).toEqual(chunk.config);
      expect(decoded).toMatchObject({
        firstFrame: chunk.firstFrame,
        frameCount: chunk.frameCount,
        fps: 24,
        totalFrames: 48,
        displayWidth: 32,
        displayHeight: 24,
      });
      for (const p of decoded.params) expect(p.data, p.name).toEqual(reference.params.get(p.name)!.data);
      expect(decoded.params.map((p) => p.name)).toEqual(
        [...reference.params.keys()].filter((n) => n !== 'latents'),
      );
      const latents = reference.params.get('latents')!.data;
      const dim = chunk.config.latent.dim;
      video.segments.forEach((seg, i) => {
        if (seg.chunk !== k) return;
        const l = core.decodeSegment(`init-${k}`, seg.bytes);
        const row0 = l.firstFrame - chunk.firstFrame;
        expect(l.rows).toBe(seg.frames);
        expect(l.data).toEqual(latents.slice(row0 * dim, (row0 + l.rows) * dim));
        expect(l.sequenceNumber).toBe(i + 1);
      });
    });
  });

  it('rejects corrupt pieces, segments of another chunk, and segments whose init is not decoded', async () => {
    const core = new DecoderCore();
    expect(() => core.decodeInit('x', video.inits[0].subarray(0, 200))).toThrow();
    core.decodeInit('init-0', video.inits[0]);
    // Segment 2 holds frames of chunk 1.
    expect(() => core.decodeSegment('init-0', video.segments[2].bytes)).toThrow(/frames 16\.\./);
    expect(() => core.decodeSegment('init-1', video.segments[2].bytes)).toThrow(/not decoded/);
    core.release('init-0');
    expect(() => core.decodeSegment('init-0', video.segments[0].bytes)).toThrow(/not decoded/);
    const inline = new InlineDecoder();
    const flipped = video.segments[0].bytes.slice();
    flipped[10] ^= 0xff;
    await inline.decodeInit('init-0', video.inits[0]);
    await expect(inline.decodeSegment('init-0', flipped)).rejects.toBeInstanceOf(DecodeFailure);
  });
});
