/**
 * Decoding of HLS pieces with the project's bitstream modules (one implementation: src/container and
 * src/codec, bundled into the worker): an init segment gives a chunk's dequantized weights, a media segment
 * that chunk's latent rows. Platform-neutral; runs in the Worker and, for tests, in Node.
 */
import { decodeChunkWeights, decodeSegmentLatents } from '../../../src/codec/decoder/chunk-model.js';
import { paramSpecs } from '../../../src/codec/model/params.js';
import type { LirnHeader } from '../../../src/container/lirn-file.js';
import { readInitSegment, readMediaSegment } from '../../../src/container/read-file.js';
import type { DecodedChunk, DecodedLatents, DecodedParam } from './types.js';

export class DecoderCore {
  private readonly headers = new Map<string, LirnHeader>();
  /** Per chunk, a latent table to decode into (decodeSegmentLatents checks rows against the chunk). */
  private readonly latentTables = new Map<string, Float32Array>();

  decodeInit(key: string, bytes: Uint8Array): DecodedChunk {
    const header = readInitSegment(bytes);
    if (header.chunks.length !== 1) {
      throw new RangeError(
        `init segment holds ${header.chunks.length} sample entries; an HLS init segment has exactly one`,
      );
    }
    const chunk = header.chunks[0];
    const weights = decodeChunkWeights(chunk);
    const params: DecodedParam[] = [];
    for (const spec of paramSpecs(chunk.config, chunk.frameCount)) {
      if (spec.name === 'latents') continue;
      params.push({ name: spec.name, shape: spec.shape, data: weights.get(spec.name)!.data });
    }
    this.headers.set(key, header);
    return {
      key,
      config: chunk.config,
      firstFrame: chunk.firstFrame,
      frameCount: chunk.frameCount,
      trainedWidth: chunk.width,
      trainedHeight: chunk.height,
      fps: header.timescale / header.sampleDuration,
      totalFrames: header.frameCount,
      displayWidth: header.displayWidth,
      displayHeight: header.displayHeight,
      params,
    };
  }

  decodeSegment(key: string, bytes: Uint8Array): DecodedLatents {
    const header = this.headers.get(key);
    if (!header)
      throw new RangeError(`media segment for init ${key}, which is not decoded (or was released)`);
    const chunk = header.chunks[0];
    const segment = readMediaSegment(bytes, header);
    const dim = chunk.config.latent.dim;
    let table = this.latentTables.get(key);
    if (!table) {
      table = new Float32Array(chunk.frameCount * dim);
      this.latentTables.set(key, table);
    }
    decodeSegmentLatents(chunk, segment, table);
    const row0 = segment.firstFrame - chunk.firstFrame;
    const rows = segment.samples.length;
    return {
      key,
      firstFrame: segment.firstFrame,
      rows,
      dim,
      data: table.slice(row0 * dim, (row0 + rows) * dim),
      ...(segment.sequenceNumber === undefined ? {} : { sequenceNumber: segment.sequenceNumber }),
    };
  }

  release(key: string): void {
    this.headers.delete(key);
    this.latentTables.delete(key);
  }
}
