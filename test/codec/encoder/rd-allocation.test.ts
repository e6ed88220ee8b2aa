import { beforeAll, describe, expect, it } from 'vitest';
import { chooseRenderer, chooseTrainEngine } from '../../../src/cli/engines.js';
import { decodeChunkWeights } from '../../../src/codec/decoder/chunk-model.js';
import { StreamDecoder } from '../../../src/codec/decoder/stream-decoder.js';
import { uniformBitAllocation } from '../../../src/codec/encoder/bit-allocation.js';
import { packChunk } from '../../../src/codec/encoder/pack.js';
import {
  allocateTensorBits,
  chooseDepths,
  distortionCurve,
  type TensorBits,
  type TensorChoice,
  type TensorModes,
} from '../../../src/codec/encoder/rd-allocation.js';
import type { ParamSet } from '../../../src/codec/model/params.js';
import {
  channelLayout,
  dequantizeInto,
  type QuantMode,
  quantizeTensor,
} from '../../../src/codec/quant/index.js';
import { train } from '../../../src/codec/train/trainer.js';
import { readLirnFile, writeLirnFile } from '../../../src/container/index.js';
import { newLirnFile } from '../../../src/container/lirn-file.js';
import { syntheticScene } from '../../../src/media/synthetic.js';
import { tinyConfig } from '../../fixtures/tiny-config.js';

const W = 48;
const H = 32;
const FRAMES = 12;
const config = tinyConfig(48);
const scene = syntheticScene({ width: W, height: H, frames: FRAMES, seed: 5 });
const frames = Array.from({ length: FRAMES }, (_, t) => scene.render(t));
const groups = uniformBitAllocation(5);
const renderer = chooseRenderer('auto').factory;
let params: ParamSet;

beforeAll(async () => {
  const result = await train({
    frames,
    width: W,
    height: H,
    config,
    iterations: 200,
    engine: await chooseTrainEngine('auto', config),
    seed: 3,
  });
  params = result.params;
}, 60_000);

/** Packs, writes and reads back one chunk; returns the file size and the decoded renders of every frame. */
function roundTrip(tensorBits: TensorBits, tensorModes: TensorModes = {}) {
  const { chunk, samples } = packChunk(
    config,
    params,
    { width: W, height: H, firstFrame: 0, frameCount: FRAMES },
    groups,
    { tensorBits, tensorModes, tables: 'tensor' },
  );
  const bytes = writeLirnFile(
    newLirnFile(
      { timescale: 12, sampleDuration: 1, frameCount: FRAMES, width: W, height: H },
      [chunk],
      [{ chunkIndex: 0, firstFrame: 0, baseMediaDecodeTime: 0, samples }],
    ),
  );
  const file = readLirnFile(bytes);
  const decoder = new StreamDecoder(file);
  return {
    size: bytes.length,
    chunk: file.chunks[0],
    renders: Array.from({ length: FRAMES }, (_, t) => decoder.renderFrame(t)),
  };
}

/** Mean squared difference from the unquantized model's renders (what quantization adds). */
function addedMse(renders: Float32Array[]): number {
  const float = renderer({ config, params });
  let sum = 0;
  let n = 0;
  renders.forEach((r, t) => {
    const f = float.renderFrame(t, W, H);
    for (let i = 0; i < r.length; i++) sum += (r[i] - f[i]) ** 2;
    n += r.length;
  });
  return sum / n;
}

describe('allocateTensorBits', () => {
  it('spends fewer bytes than the group depths for no more added distortion, measured on the decoded file', () => {
    const allocation = allocateTensorBits(
      config,
      params,
      FRAMES,
      groups,
      {
        renderer,
        width: W,
        height: H,
      },
      { minElements: 64 },
    );
    const { predicted } = allocation;
    expect(predicted.distortion).toBeLessThanOrEqual(predicted.groupDistortion);
    expect(predicted.bytes).toBeLessThan(predicted.groupBytes);
    // Some tensors moved, in both directions or at least down.
    expect(Object.keys(allocation.tensorBits).length).toBeGreaterThan(0);
    const depthsOnly = allocateTensorBits(
      config,
      params,
      FRAMES,
      groups,
      { renderer, width: W, height: H },
      {
        minElements: 64,
        keepModes: true,
      },
    );
    expect(depthsOnly.tensorModes).toEqual({});
    expect(depthsOnly.choices.every((c) => c.options.every((o) => o.mode === c.groupMode))).toBe(true);
    expect(allocation.choices.some((c) => c.options.some((o) => o.mode !== c.groupMode))).toBe(true);
    const uniform = roundTrip({});
    const allocated = roundTrip(allocation.tensorBits, allocation.tensorModes);
    expect(allocated.size).toBeLessThan(uniform.size);
    // The prediction adds per-tensor errors; the decoded file must bear it out within a small margin.
    expect(addedMse(allocated.renders)).toBeLessThan(1.2 * addedMse(uniform.renders));
  });

  it('writes each tensor at its own depth and mode and decodes it bit-exactly', () => {
    const tensorBits = { 'encoding.level5': 3, 'base.1.weight': 9, 'hyper.1.1.weight': 6 };
    const tensorModes: TensorModes = { 'hyper.1.1.weight': 'tensor' };
    const { chunk } = roundTrip(tensorBits, tensorModes);
    const coded = new Map(chunk.weights.flatMap((g) => g.tensors.map((t) => [t.name, t] as const)));
    expect(coded.get('encoding.level5')!.bits).toBe(3);
    expect(coded.get('encoding.level0')!.bits).toBe(groups.encoding.bits);
    expect(coded.get('base.1.weight')!.bits).toBe(9);
    expect(coded.get('base.1.weight')!.mode).toBe('channel');
    expect(coded.get('hyper.1.1.weight')!.mode).toBe('tensor');
    expect(coded.get('hyper.1.1.weight')!.mins.length).toBe(1);
    expect(coded.get('hyper.1.0.weight')!.mode).toBe('channel');
    const decoded = decodeChunkWeights(chunk);
    for (const [name, bits] of Object.entries(tensorBits)) {
      const t = params.get(name)!;
      const mode = coded.get(name)!.mode;
      const q = quantizeTensor(t, bits, mode);
      const expected = dequantizeInto(
        q.symbols,
        q.mins,
        q.scales,
        channelLayout(t.shape, mode),
        new Float32Array(t.data.length),
      );
      expect(decoded.get(name)!.data).toEqual(expected);
    }
  });
});

describe('distortionCurve', () => {
  it('renders two depths and follows the measured slope below them, a quarter per bit above', () => {
    const asked: number[] = [];
    const law = (b: number) => 1e-3 * 4.4 ** -b;
    const curve = distortionCurve([3, 4, 5, 6, 7, 8], 6, (b) => {
      asked.push(b);
      return law(b);
    });
    expect(asked.sort()).toEqual([4, 6]);
    expect(curve[6]).toBe(law(6));
    expect(curve[4]).toBe(law(4));
    for (const b of [3, 5]) expect(curve[b] / law(b)).toBeCloseTo(1, 6);
    expect(curve[7]).toBeCloseTo(law(6) / 4, 12);
    expect(curve[8]).toBeCloseTo(law(6) / 16, 12);
  });
});

describe('chooseDepths', () => {
  const choice = (
    name: string,
    distortion: Record<number, number>,
    bytes: Record<number, number>,
    tensorMode?: { distortion: Record<number, number>; bytes: Record<number, number> },
  ): TensorChoice => {
    const options = (mode: QuantMode, d: Record<number, number>, r: Record<number, number>) =>
      Object.keys(d).map((b) => ({ mode, bits: Number(b), distortion: d[Number(b)], bytes: r[Number(b)] }));
    return {
      name,
      elements: 1000,
      groupBits: 6,
      groupMode: tensorMode ? 'channel' : 'tensor',
      bits: 6,
      mode: tensorMode ? 'channel' : 'tensor',
      options: [
        ...options(tensorMode ? 'channel' : 'tensor', distortion, bytes),
        ...(tensorMode ? options('tensor', tensorMode.distortion, tensorMode.bytes) : []),
      ],
    };
  };

  it('moves bits from an insensitive tensor to a sensitive one', () => {
    // Same bytes per depth; "flat" barely reacts to its step, "steep" loses 4x per bit.
    const bytes = { 4: 400, 5: 500, 6: 600, 7: 700, 8: 800 };
    const flat = choice('flat', { 4: 1.2e-6, 5: 1.1e-6, 6: 1e-6, 7: 0.9e-6, 8: 0.8e-6 }, bytes);
    const steep = choice('steep', { 4: 16e-5, 5: 4e-5, 6: 1e-5, 7: 0.25e-5, 8: 0.06e-5 }, bytes);
    const result = chooseDepths([flat, steep]);
    expect(flat.bits).toBeLessThan(6);
    expect(result.predicted.distortion).toBeLessThanOrEqual(result.predicted.groupDistortion);
    expect(result.predicted.bytes).toBeLessThan(result.predicted.groupBytes);
    expect(result.tensorBits.flat).toBe(flat.bits);
  });

  it('keeps the group depths when nothing is cheaper at the same distortion', () => {
    const t = choice('t', { 5: 4e-5, 6: 1e-5, 7: 0.25e-5 }, { 5: 500, 6: 600, 7: 700 });
    const result = chooseDepths([t]);
    expect(result.tensorBits).toEqual({});
    expect(result.tensorModes).toEqual({});
    expect(result.predicted.bytes).toBe(result.predicted.groupBytes);
  });

  it("codes a matrix with one range when its rows' ranges cost more than they save", () => {
    // Per-row ranges: 600 B at 6 bits, 200 of them ranges; one range: as accurate one bit deeper, for 480 B.
    const rows = choice(
      'rows',
      { 5: 4e-5, 6: 1e-5, 7: 0.25e-5 },
      { 5: 550, 6: 600, 7: 650 },
      { distortion: { 5: 16e-5, 6: 4e-5, 7: 1e-5, 8: 0.25e-5 }, bytes: { 5: 380, 6: 430, 7: 480, 8: 530 } },
    );
    const result = chooseDepths([rows]);
    expect(result.tensorModes).toEqual({ rows: 'tensor' });
    expect(result.tensorBits).toEqual({ rows: 7 });
    expect(rows.mode).toBe('tensor');
    expect(result.predicted.distortion).toBeLessThanOrEqual(result.predicted.groupDistortion);
    expect(result.predicted.bytes).toBe(480);
  });

  it('keeps per-row ranges where one range would cost more bytes for the same distortion', () => {
    const rows = choice(
      'rows',
      { 5: 4e-5, 6: 1e-5, 7: 0.25e-5 },
      { 5: 550, 6: 600, 7: 650 },
      { distortion: { 6: 64e-5, 7: 16e-5, 8: 4e-5 }, bytes: { 6: 430, 7: 480, 8: 530 } },
    );
    expect(chooseDepths([rows]).tensorModes).toEqual({});
    expect(rows.mode).toBe('channel');
  });
});
