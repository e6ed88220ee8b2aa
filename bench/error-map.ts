/**
 * Where a trained model's error is: decodes a checkpoint (bench/train-checkpoint.ts) as `lirn encode` packs it,
 * splits the squared error between pixels that move in the source (temporal standard deviation of luma above
 * --moving) and the rest, and draws one frame as a half-size PNG: source | decoded | error (brighter = larger; the
 * blue tint marks the moving pixels).
 *
 *   npx tsx bench/error-map.ts --clip vtest --ckpt /tmp/vtest-M.ckpt --png /tmp/vtest-error.png [--frame 48]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { deflateSync } from 'node:zlib';
import { chooseRenderer } from '../src/cli/engines.js';
import { StreamDecoder } from '../src/codec/decoder/stream-decoder.js';
import { packChunk } from '../src/codec/encoder/pack.js';
import { psnrFromMse } from '../src/codec/metrics/index.js';
import { toRgb8 } from '../src/codec/render/output.js';
import { loadCheckpoint } from '../src/codec/train/checkpoint.js';
import { newLirnFile } from '../src/container/lirn-file.js';
import { type ClipName, loadClip } from './lib/clips.js';

const { values } = parseArgs({
  options: {
    clip: { type: 'string', default: 'bunny' },
    ckpt: { type: 'string' },
    png: { type: 'string' },
    frame: { type: 'string', default: '48' },
    moving: { type: 'string', default: '8' },
  },
});
if (!values.ckpt) throw new Error('--ckpt FILE is required (bench/train-checkpoint.ts writes one)');
const clip = await loadClip(values.clip as ClipName, { log: () => {} });
const { config, params } = await loadCheckpoint(values.ckpt);
const { width: W, height: H } = clip;
const F = clip.frames.length;
const shown = Number(values.frame);
const threshold = Number(values.moving);
if (!(Number.isInteger(shown) && shown >= 0 && shown < F)) throw new Error(`--frame must be in 0..${F - 1}`);
const { chunk, samples } = packChunk(config, params, { width: W, height: H, firstFrame: 0, frameCount: F });
const file = newLirnFile(
  { timescale: clip.fps.num, sampleDuration: clip.fps.den, frameCount: F, width: W, height: H },
  [chunk],
  [{ chunkIndex: 0, firstFrame: 0, baseMediaDecodeTime: 0, samples }],
);
const decoder = new StreamDecoder(file, chooseRenderer('auto').factory);

const sum = new Float64Array(W * H);
const sumSq = new Float64Array(W * H);
for (const frame of clip.frames) {
  for (let i = 0; i < W * H; i++) {
    const luma = (frame[3 * i] + frame[3 * i + 1] + frame[3 * i + 2]) / 3;
    sum[i] += luma;
    sumSq[i] += luma * luma;
  }
}
const moving = new Uint8Array(W * H);
for (let i = 0; i < W * H; i++) {
  const mean = sum[i] / F;
  moving[i] = Math.sqrt(Math.max(0, sumSq[i] / F - mean * mean)) > threshold ? 1 : 0;
}

const scored = [0, 24, 48, 72, 96, 119].filter((t) => t < F);
if (!scored.includes(shown)) scored.push(shown);
let seMoving = 0;
let seStill = 0;
let nMoving = 0;
const errors: number[] = [];
for (const t of scored) {
  const decoded = toRgb8(decoder.renderFrame(t));
  const source = clip.frames[t];
  const panel = t === shown ? new Uint8Array(W * 3 * H * 3) : null;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      let se = 0;
      for (let c = 0; c < 3; c++) se += (decoded[3 * i + c] - source[3 * i + c]) ** 2;
      se /= 3;
      errors.push(se);
      if (moving[i]) {
        seMoving += se;
        nMoving++;
      } else seStill += se;
      if (!panel) continue;
      const row = y * W * 3;
      const level = Math.min(255, Math.sqrt(se) * 8);
      for (let c = 0; c < 3; c++) {
        panel[(row + x) * 3 + c] = source[3 * i + c];
        panel[(row + W + x) * 3 + c] = decoded[3 * i + c];
      }
      panel[(row + 2 * W + x) * 3] = level;
      panel[(row + 2 * W + x) * 3 + 1] = level;
      panel[(row + 2 * W + x) * 3 + 2] = moving[i] ? 80 : 0;
    }
  }
  if (panel && values.png) writeFileSync(values.png, png(...halve(W * 3, H, panel)));
}
const nStill = errors.length - nMoving;
const total = errors.reduce((a, b) => a + b, 0);
errors.sort((a, b) => b - a);
const top = errors.slice(0, Math.ceil(errors.length / 10)).reduce((a, b) => a + b, 0);
const db = (mse: number) => psnrFromMse(mse, 255).toFixed(2);
process.stdout.write(
  `${clip.name}, ${scored.length} frames: moving pixels ${((100 * nMoving) / errors.length).toFixed(1)}% at ` +
    `${db(seMoving / Math.max(1, nMoving))} dB, the rest at ${db(seStill / Math.max(1, nStill))} dB; ` +
    `the moving ones hold ${((100 * seMoving) / total).toFixed(1)}% of the squared error, the worst 10% of pixels ` +
    `${((100 * top) / total).toFixed(1)}%; all ${db(total / errors.length)} dB\n`,
);

/** The picture at half size (2×2 box average), to keep the committed images small. */
function halve(width: number, height: number, rgb: Uint8Array): [number, number, Uint8Array] {
  const w = width >> 1;
  const h = height >> 1;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        const at = (yy: number, xx: number) => rgb[(yy * width + xx) * 3 + c];
        const sum = at(2 * y, 2 * x) + at(2 * y, 2 * x + 1) + at(2 * y + 1, 2 * x) + at(2 * y + 1, 2 * x + 1);
        out[(y * w + x) * 3 + c] = (sum + 2) >> 2;
      }
    }
  }
  return [w, h, out];
}

/** An 8-bit RGB PNG (one IDAT, filter 0 on every row). */
function png(width: number, height: number, rgb: Uint8Array): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++)
    Buffer.from(rgb.buffer, rgb.byteOffset + y * width * 3, width * 3).copy(raw, y * (width * 3 + 1) + 1);
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 2;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (let i = 0; i < bytes.length; i++) {
    c ^= bytes[i];
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
