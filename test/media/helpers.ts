/** Fixtures for media tests: temp folders, tiny files of every bad kind, and a plain mean-PSNR for checks. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AV_CODEC_ID_H264, AV_PIX_FMT_YUV420P, AVMEDIA_TYPE_VIDEO } from 'node-av/constants';
import { FormatContext } from 'node-av/lib';
import '../../src/media/av.js';

export async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'lirn-media-test-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Mean over frames of per-frame RGB PSNR (Infinity for identical clips). */
export function meanPsnr(a: readonly Uint8Array[], b: readonly Uint8Array[]): number {
  if (a.length !== b.length) throw new Error(`frame counts differ: ${a.length} vs ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i].length !== b[i].length) throw new Error(`frame ${i} sizes differ`);
    let se = 0;
    for (let j = 0; j < a[i].length; j++) {
      const d = a[i][j] - b[i][j];
      se += d * d;
    }
    sum += se === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255 * a[i].length) / se);
  }
  return sum / a.length;
}

/** A valid 0.1 s mono 16-bit WAV: a real media file with audio and no video. */
export async function writeWav(path: string): Promise<void> {
  const n = 800;
  const wav = Buffer.alloc(44 + 2 * n);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + 2 * n, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(8000, 24);
  wav.writeUInt32LE(16000, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(2 * n, 40);
  for (let i = 0; i < n; i++) wav.writeInt16LE(Math.round(8000 * Math.sin(i / 5)), 44 + 2 * i);
  await writeFile(path, wav);
}

/** An MP4 whose H.264 video track has no samples (header and trailer only): a zero-length video. */
export async function writeZeroLengthMp4(path: string): Promise<void> {
  const ctx = new FormatContext();
  if (ctx.allocOutputContext2(null, 'mp4', path) < 0) throw new Error('allocOutputContext2 failed');
  try {
    const stream = ctx.newStream(null);
    stream.codecpar.codecType = AVMEDIA_TYPE_VIDEO;
    stream.codecpar.codecId = AV_CODEC_ID_H264;
    stream.codecpar.width = 64;
    stream.codecpar.height = 48;
    stream.codecpar.format = AV_PIX_FMT_YUV420P;
    for (const ret of [await ctx.openOutput(), await ctx.writeHeader(), await ctx.writeTrailer()]) {
      if (ret < 0) throw new Error(`writing the zero-length MP4 failed (${ret})`);
    }
    await ctx.closeOutput();
  } finally {
    ctx.freeContext();
  }
}

/** Offset and size of the first top-level `mdat` box's payload. */
export function findMdat(file: Uint8Array): { start: number; end: number } {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let at = 0;
  while (at + 8 <= file.length) {
    const size = view.getUint32(at);
    const type = String.fromCharCode(...file.subarray(at + 4, at + 8));
    if (type === 'mdat') return { start: at + 8, end: at + size };
    if (size < 8) break;
    at += size;
  }
  throw new Error('no mdat box');
}
