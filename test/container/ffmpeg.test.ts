import { describe, expect, it } from 'vitest';
import { writeLirnFile } from '../../src/container/index.js';
import { Demuxer } from '../../src/media/av.js';
import { smallVector } from './vectors.js';

/** 'lirn' as FFmpeg stores a codec tag: the fourcc's first byte is the least significant. */
const LIRN_TAG = 0x6c | (0x69 << 8) | (0x72 << 16) | (0x6e << 24);
const AVMEDIA_TYPE_VIDEO = 0;

describe("FFmpeg's mov demuxer (through node-av)", () => {
  it('opens a lirn file: one video stream tagged lirn with every frame as a packet', () => {
    const file = smallVector();
    const bytes = writeLirnFile(file);
    const demuxer = Demuxer.openSync(Buffer.from(bytes));
    try {
      expect(demuxer.streams).toHaveLength(1);
      const stream = demuxer.streams[0];
      expect(stream.codecpar.codecType).toBe(AVMEDIA_TYPE_VIDEO);
      expect(stream.codecpar.codecTag).toBe(LIRN_TAG);
      expect([stream.codecpar.width, stream.codecpar.height]).toEqual([32, 24]);
      expect(stream.timeBase.den / stream.timeBase.num).toBe(file.timescale);
      const sizes: number[] = [];
      for (const packet of demuxer.packetsSync()) {
        if (!packet) break;
        sizes.push(packet.size);
        packet.free();
      }
      expect(sizes).toEqual(file.segments.flatMap((s) => s.samples.map((x) => x.length)));
      expect(sizes).toHaveLength(file.frameCount);
    } finally {
      demuxer.closeSync();
    }
  });
});
