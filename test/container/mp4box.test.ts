import { BoxParser, createFile, FullBox, Log, MP4BoxBuffer, VisualSampleEntry } from 'mp4box';
import { describe, expect, it } from 'vitest';
import { writeLirnFile } from '../../src/container/index.js';
import { decodeLircPayload } from '../../src/container/lirc-payload.js';
import { smallVector } from './vectors.js';

// mp4box.js parses unknown sample entries as bare boxes; registering `lirn` as a VisualSampleEntry (and lirC
// as a FullBox whose payload is kept in `data`) is all a third-party reader needs.
class LirnSampleEntry extends VisualSampleEntry {
  static override fourcc = 'lirn' as const;
}
class LircBox extends FullBox {
  static override fourcc = 'lirC' as const;
}
(BoxParser.sampleEntry as Record<string, unknown>).lirn = LirnSampleEntry;
(BoxParser.box as Record<string, unknown>).lirC = LircBox;
Log.setLogLevel(Log.error);

interface ParsedEntry {
  type: string;
  width: number;
  height: number;
  compressorname: string;
  lirC?: { data: Uint8Array; version: number };
  boxes?: Array<{ type: string }>;
}

describe('mp4box.js reads a lirn file', () => {
  it('lists the lirn track with its configuration boxes and returns every sample', () => {
    const file = smallVector();
    const bytes = writeLirnFile(file);
    const mp4 = createFile();
    let info:
      | {
          isFragmented: boolean;
          tracks: Array<{
            id: number;
            codec: string;
            nb_samples: number;
            type: string;
            video?: { width: number; height: number };
          }>;
        }
      | undefined;
    const samples: Array<{ data: Uint8Array; description_index: number; dts: number; is_sync: boolean }> = [];
    mp4.onError = (e: unknown) => {
      throw new Error(`mp4box: ${String(e)}`);
    };
    mp4.onReady = (i) => {
      info = i as unknown as typeof info;
      mp4.setExtractionOptions(i.tracks[0].id, null, { nbSamples: 1000 });
      mp4.start();
    };
    mp4.onSamples = (_id, _user, list) => {
      for (const s of list) samples.push(s as unknown as (typeof samples)[number]);
    };
    mp4.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes.slice().buffer, 0));
    mp4.flush();

    expect(info?.isFragmented).toBe(true);
    expect(info?.tracks).toHaveLength(1);
    expect(info?.tracks[0]).toMatchObject({ codec: 'lirn', type: 'video', video: { width: 32, height: 24 } });

    const entries = (
      mp4 as unknown as {
        moov: { traks: Array<{ mdia: { minf: { stbl: { stsd: { entries: ParsedEntry[] } } } } }> };
      }
    ).moov.traks[0].mdia.minf.stbl.stsd.entries;
    expect(entries.map((e) => [e.type, e.width, e.height, e.compressorname])).toEqual([
      ['lirn', 32, 24, 'Latent-INR'],
      ['lirn', 32, 24, 'Latent-INR'],
    ]);
    entries.forEach((e, k) => {
      expect(e.boxes?.map((b) => b.type)).toEqual(['lirC', 'lirW', 'lirL']);
      const conf = decodeLircPayload(e.lirC?.data as Uint8Array, 'lirC', 0);
      expect(conf.firstFrame).toBe(file.chunks[k].firstFrame);
      expect(conf.config).toEqual(file.chunks[k].config);
    });

    const expected = file.segments.flatMap((seg) =>
      seg.samples.map((data) => ({ data, chunk: seg.chunkIndex })),
    );
    expect(samples).toHaveLength(expected.length);
    samples.forEach((s, i) => {
      expect(new Uint8Array(s.data)).toEqual(expected[i].data);
      expect(s.description_index).toBe(expected[i].chunk);
      expect(s.dts).toBe(i * file.sampleDuration);
      expect(s.is_sync).toBe(true);
    });
  });
});
