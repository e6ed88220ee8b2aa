import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeVideo, readFrames } from '../../src/media/decode.js';
import { type EncodeOptions, encodeVideo } from '../../src/media/encode.js';
import { MediaError, type MediaErrorDetails } from '../../src/media/errors.js';
import { syntheticClip } from '../../src/media/synthetic.js';
import { writeSyntheticMp4 } from '../../src/media/synthetic-mp4.js';
import { findMdat, withTempDir, writeWav, writeZeroLengthMp4 } from './helpers.js';

async function mediaError(work: Promise<unknown>): Promise<MediaError> {
  try {
    await work;
  } catch (error) {
    expect(error).toBeInstanceOf(MediaError);
    const e = error as MediaError;
    expect(e.type).toBe('media');
    expect(e.fatal).toBe(true);
    return e;
  }
  throw new Error('expected a MediaError, got success');
}

async function expectBothFail(path: string, details: MediaErrorDetails, message: RegExp): Promise<void> {
  for (const work of [() => probeVideo(path), () => readFrames(path)]) {
    const e = await mediaError(work());
    expect(e.details, path).toBe(details);
    expect(e.path).toBe(path);
    expect(e.message).toMatch(message);
  }
}

describe('bad input files give MediaError', () => {
  it('missing file, folder, empty file, text file', async () => {
    await withTempDir(async (dir) => {
      await expectBothFail(join(dir, 'missing.mp4'), 'not-found', /cannot open: ENOENT/);
      await mkdir(join(dir, 'folder.mp4'));
      await expectBothFail(join(dir, 'folder.mp4'), 'not-found', /not a regular file/);
      await writeFile(join(dir, 'empty.mp4'), '');
      await expectBothFail(join(dir, 'empty.mp4'), 'not-media', /empty \(0 bytes\)/);
      await writeFile(join(dir, 'text.mp4'), 'this is not a video\n'.repeat(40));
      await expectBothFail(join(dir, 'text.mp4'), 'not-media', /not a readable media file/);
    });
  });

  it('audio-only file and zero-length video', async () => {
    await withTempDir(async (dir) => {
      await writeWav(join(dir, 'tone.wav'));
      await expectBothFail(join(dir, 'tone.wav'), 'no-video', /no video stream \(audio only\)/);
      await writeZeroLengthMp4(join(dir, 'zero.mp4'));
      await expectBothFail(join(dir, 'zero.mp4'), 'empty-video', /no streams/);
    });
  });

  it('playlists that point at other files', async () => {
    await withTempDir(async (dir) => {
      await writeSyntheticMp4({ path: join(dir, 'real.mp4'), width: 64, height: 48, frames: 2 });
      const playlist = '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nreal.mp4\n#EXT-X-ENDLIST\n';
      await writeFile(join(dir, 'list.m3u8'), playlist);
      await expectBothFail(join(dir, 'list.m3u8'), 'unsupported', /'hls' playlists are not accepted/);
    });
  });

  it('truncated and corrupted MP4', async () => {
    await withTempDir(async (dir) => {
      const good = join(dir, 'good.mp4');
      await writeSyntheticMp4({ path: good, width: 64, height: 48, frames: 10 });
      const bytes = new Uint8Array(await readFile(good));
      // moov is at the end: cutting the file in half loses the index entirely.
      await writeFile(join(dir, 'half.mp4'), bytes.subarray(0, bytes.length >> 1));
      await expectBothFail(join(dir, 'half.mp4'), 'not-media', /not a readable media file/);
      // Container intact, coded pictures destroyed.
      const damaged = bytes.slice();
      const mdat = findMdat(damaged);
      for (let i = mdat.start; i < mdat.end; i++) damaged[i] ^= 0xa5;
      await writeFile(join(dir, 'damaged.mp4'), damaged);
      const e = await mediaError(readFrames(join(dir, 'damaged.mp4')));
      expect(e.details).toBe('corrupt');
      expect(e.message).toMatch(/decoding failed after 0 frame/);
    });
  });
});

describe('bad encode requests give MediaError and leave no file behind', () => {
  const base = { width: 64, height: 48, fps: 24, codec: 'h264' } as const;

  async function expectEncodeError(
    frames: Uint8Array[],
    options: Omit<EncodeOptions, 'path'>,
    details: MediaErrorDetails,
    message: RegExp,
  ): Promise<void> {
    await withTempDir(async (dir) => {
      const e = await mediaError(encodeVideo(frames, { ...options, path: join(dir, 'out.mp4') }));
      expect(e.details, JSON.stringify(options)).toBe(details);
      expect(e.message).toMatch(message);
      expect(await readdir(dir)).toEqual([]);
    });
  }

  it('rejects sizes out of range and odd sizes for 4:2:0', async () => {
    const one = [new Uint8Array(3)];
    await expectEncodeError(
      one,
      { ...base, width: 0, height: 1 },
      'bad-option',
      /width must be an integer in 1\.\.8192/,
    );
    await expectEncodeError(one, { ...base, width: 8193, height: 2 }, 'bad-option', /got 8193/);
    const odd = syntheticClip({ width: 63, height: 48, frames: 1 });
    await expectEncodeError(
      odd,
      { ...base, width: 63 },
      'bad-option',
      /yuv420p needs an even width and height, got 63×48/,
    );
    await expectEncodeError(
      [new Uint8Array(3)],
      { ...base, width: 1, height: 1 },
      'bad-option',
      /even width/,
    );
    await expectEncodeError(
      syntheticClip({ width: 8, height: 8, frames: 1 }),
      { ...base, width: 8, height: 8, codec: 'hevc' },
      'bad-option',
      /hevc needs at least 16×16/,
    );
    await expectEncodeError(
      syntheticClip({ width: 16, height: 16, frames: 1 }),
      { ...base, width: 16, height: 16, codec: 'av1' },
      'bad-option',
      /av1 needs at least 32×4/,
    );
  });

  it('rejects bad settings and bad frames, even after frames were written', async () => {
    const clip = syntheticClip({ width: 64, height: 48, frames: 3 });
    await expectEncodeError(
      clip,
      { ...base, crf: 70 },
      'bad-option',
      /crf for h264 must be an integer in 0\.\.51/,
    );
    await expectEncodeError(
      clip,
      { ...base, crf: 20, bitrate: 100_000 },
      'bad-option',
      /crf or bitrate, not both/,
    );
    await expectEncodeError(clip, { ...base, preset: 'warp' }, 'bad-option', /preset for h264/);
    await expectEncodeError(clip, { ...base, codec: 'mpeg2' as never }, 'bad-option', /codec must be one of/);
    await expectEncodeError(clip, { ...base, fps: 0 }, 'bad-option', /fps must be a positive rate/);
    await expectEncodeError([], base, 'bad-option', /no frames to encode/);
    await expectEncodeError(
      [clip[0], clip[1], new Uint8Array(10)],
      base,
      'bad-frame',
      /frame 2 has 10 bytes; 64×48 RGB24 needs 9216/,
    );
  });

  it('handles 1×1 in 4:4:4 and replaces an existing file only on success', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'tiny.mp4');
      const tiny = await encodeVideo([new Uint8Array([255, 0, 0]), new Uint8Array([0, 0, 255])], {
        path,
        width: 1,
        height: 1,
        fps: 1,
        codec: 'h264',
        pixelFormat: 'yuv444p',
        crf: 0,
      });
      const back = await readFrames(tiny.path);
      expect([back.width, back.height, back.frames.length]).toEqual([1, 1, 2]);
      expect(back.frames[0][0]).toBeGreaterThan(240);
      const before = await readFile(path);
      await mediaError(
        encodeVideo([new Uint8Array(2)], {
          path,
          width: 1,
          height: 1,
          fps: 1,
          codec: 'h264',
          pixelFormat: 'yuv444p',
        }),
      );
      expect(await readFile(path)).toEqual(before);
      expect(await readdir(dir)).toEqual(['tiny.mp4']);
    });
  });
});
