/**
 * The committed conformance vectors (spec/06-conformance.md): every vector passes on the reference and the native
 * decoder, the checks can fail (a flipped mantissa bit, wrong decoders), malformed vectors give their typed
 * errors, and the files on disk are what the generator and the manifest say.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformCommand, nativeDecoder, runConform } from '../../src/cli/commands/conform.js';
import {
  type CheckResult,
  checkMalformed,
  checkVector,
  type DecoderUnderTest,
  decodeChunkForConformance,
  describeVector,
  ManifestError,
  parseManifest,
  referenceDecoder,
  sha256Hex,
  type VectorEntry,
} from '../../src/codec/conformance/index.js';
import { loadAddon } from '../../src/codec/engine/native/index.js';
import type { ModelConfig } from '../../src/codec/model/config.js';
import { createRenderer } from '../../src/codec/render/index.js';
import { createRng } from '../../src/codec/util/random.js';
import { readBoxes, readLirnFile, writeLirnFile } from '../../src/container/index.js';
import { CONFORMANCE_DIR } from './generate.js';
import { buildVectorBytes, frameRequests, MALFORMED, VECTORS } from './recipes.js';

const read = (name: string) => new Uint8Array(readFileSync(join(CONFORMANCE_DIR, name)));
const manifestJson = JSON.parse(readFileSync(join(CONFORMANCE_DIR, 'manifest.json'), 'utf8'));
const manifest = parseManifest(manifestJson);
const vector = (name: string) => manifest.vectors.find((v) => v.file === `${name}.lirn`)!;
const inputOf = (v: VectorEntry) => ({ bytes: read(v.file), referenceFrames: read(v.reference_frames.file) });
const failures = (results: CheckResult[]) => results.filter((r) => r.status === 'fail');

describe('conformance vectors', () => {
  it('are small and cover the listed features', () => {
    let total = 0;
    for (const v of manifest.vectors) {
      expect(v.bytes, v.file).toBeLessThanOrEqual(150_000);
      total += v.bytes + v.reference_frames.bytes;
    }
    for (const m of manifest.malformed) total += m.bytes;
    expect(total).toBeLessThanOrEqual(600_000);
    const covers = manifest.vectors.flatMap((v) => v.covers).join('\n');
    for (const feature of [
      'hashed levels',
      'dense levels',
      'Fourier',
      'patch variant',
      'trained',
      '2 chunks',
      'odd frame size',
      'coordinate warp',
    ]) {
      expect(covers).toContain(feature);
    }
    for (const latentBits of [4, 10, 12, 16]) expect(covers).toMatch(new RegExp(`latents ${latentBits}-bit`));
    expect(covers).toMatch(/tensor/);
    expect(covers).toMatch(/channel/);
  });

  it.each(manifest.vectors.map((v) => [v.file, v]))('%s passes on the reference decoder', (_, v) => {
    const results = checkVector(inputOf(v), v, manifest.bound, referenceDecoder);
    expect(failures(results)).toEqual([]);
    expect(results.filter((r) => r.status === 'skip')).toEqual([]);
    const tensors = results.filter((r) => r.kind === 'tensor');
    expect(tensors).toHaveLength(v.chunks.reduce((n, c) => n + c.tensors.length, 0));
    // The reference decoder reproduces its own frames exactly.
    for (const f of results.filter((r) => r.kind === 'frame')) expect(f.frame?.exact).toBe(true);
  });

  const native = loadAddon();
  it.skipIf(!native.ok).each(manifest.vectors.map((v) => [v.file, v]))(
    '%s passes on the native decoder',
    (_, v) => {
      const results = checkVector(inputOf(v), v, manifest.bound, nativeDecoder);
      expect(failures(results)).toEqual([]);
      const frames = results.filter((r) => r.kind === 'frame');
      const rendered = frames.filter((r) => r.status === 'pass');
      // Patch models are outside the native renderer; everything else is rendered and compared.
      const patch = readLirnFile(read(v.file)).chunks.some((c) => c.config.patch);
      expect(rendered.length).toBe(patch ? 0 : frames.length);
      for (const f of rendered) expect(f.frame!.psnr).toBeGreaterThanOrEqual(manifest.bound.min_psnr_db);
    },
  );

  it.each(manifest.malformed.map((m) => [m.file, m]))('%s is rejected with its typed error', (_, m) => {
    const results = checkMalformed(read(m.file), m);
    expect(failures(results)).toEqual([]);
  });

  it('malformed vectors name the box and offset where the problem is', () => {
    const base = read('fourier-tiny-2bit.lirn');
    const boxes = readLirnFile(base);
    const byName = (n: string) => manifest.malformed.find((m) => m.file === `${n}.lirn`)!;
    // ftyp is 24 bytes, so moov starts at byte 24.
    expect(byName('bad-box-size').error).toEqual({ details: 'bad-size', box: 'moov', offset: 24 });
    // Cut 5 bytes into the last mdat (at 2301): its 4-byte size is there, its type is not.
    const lastMdat = readBoxes(base)
      .filter((b) => b.type === 'mdat')
      .pop()!;
    expect(byName('bad-truncated').error).toEqual({
      details: 'truncated',
      box: '',
      offset: lastMdat.offset! + 4,
    });
    expect(byName('bad-latent-predictor').error).toMatchObject({
      details: 'unsupported',
      box: expect.stringMatching(/lirL$/),
    });
    expect(byName('bad-tensor-count').error).toMatchObject({
      details: 'limit-exceeded',
      box: expect.stringMatching(/lirW$/),
    });
    expect(byName('bad-box-order').error.details).toBe('wrong-order');
    expect(byName('bad-negative-scale')).toMatchObject({ stage: 'read', error: { details: 'bad-value' } });
    expect(byName('bad-negative-scale').error.box).toMatch(/lirL$/);
    const payload = boxes.chunks[0].weights[0];
    expect(byName('bad-weight-payload')).toMatchObject({ stage: 'decode', error: { box: 'lirW' } });
    expect(byName('bad-weight-payload').error.offset).toBeGreaterThanOrEqual(payload.payloadOffset!);
    expect(byName('bad-weight-payload').error.offset).toBeLessThanOrEqual(
      payload.payloadOffset! + payload.payload.length,
    );
    expect(byName('bad-latent-sample')).toMatchObject({ stage: 'decode', error: { box: 'mdat' } });
    // A malformed vector checked as valid, or a valid one checked as malformed, fails.
    expect(
      failures(checkMalformed(base, { ...byName('bad-box-size'), sha256: sha256Hex(base) })),
    ).toHaveLength(1);
  });
});

describe('the checks can fail', () => {
  const v = vector('hashgrid-trained');

  it('a tensor with one flipped mantissa bit fails its hash and only its hash', () => {
    const file = readLirnFile(read(v.file));
    const coded = file.chunks[1].weights.find((g) => g.group === 'base')!.tensors[0];
    new Uint32Array(coded.mins.buffer, coded.mins.byteOffset, coded.mins.length)[0] ^= 1;
    const results = checkVector(
      { bytes: writeLirnFile(file), referenceFrames: read(v.reference_frames.file) },
      v,
      manifest.bound,
    );
    const failed = failures(results).map((r) => `${r.kind} ${r.subject}`);
    expect(failed).toEqual([`file ${v.file}`, `tensor chunk 1 ${coded.name}`]);
  });

  it('a decoder that picks the nearest latent instead of interpolating fails the fractional frames', () => {
    const nearest: DecoderUnderTest = {
      name: 'nearest',
      open: (model) => {
        const r = createRenderer(model);
        return { renderFrame: (t, w, h) => r.renderFrame(Math.round(t), w, h) };
      },
    };
    const w = vector('hashgrid-16bit-latents');
    const results = checkVector(inputOf(w), w, manifest.bound, nearest);
    const failedFrames = failures(results).map((r) => r.subject);
    expect(failedFrames.length).toBeGreaterThan(0);
    for (const s of failedFrames) expect(s).toMatch(/t=\d+\.\d+/);
  });

  it('warp-affine warps every frame: a decoder that ignores the warp, or its affine terms, fails every frame', () => {
    const w = vector('warp-affine');
    const bytes = read(w.file);
    const file = readLirnFile(bytes);
    const model = decodeChunkForConformance(file, 0, bytes);
    expect(model.config.warp).toEqual({ otype: 'Affine', scale: 0.1 });
    // The warp's six latent components (spec §4.3.2.1) are far from 0 in every frame.
    const dim = model.config.latent.dim;
    const z = model.params.get('latents')!.data;
    for (let f = 0; f < file.frameCount; f++) {
      const warp = Array.from(z.subarray(f * dim, f * dim + 6), Math.abs);
      expect(Math.max(...warp), `frame ${f}`).toBeGreaterThan(0.5);
      expect(warp.filter((v) => v > 0.1).length, `frame ${f}`).toBeGreaterThanOrEqual(3);
    }
    const withWarp = (warp: ModelConfig['warp']): DecoderUnderTest => ({
      name: `warp ${warp?.otype ?? 'none'}`,
      open: (m) => createRenderer({ ...m, config: { ...m.config, warp } }),
    });
    // Rendering the same model without its warp gives other bytes for every frame of the manifest.
    const unwarped = createRenderer({ ...model, config: { ...model.config, warp: null } });
    for (const f of w.frames) {
      expect(sha256Hex(unwarped.renderFrameRgb8(f.t, f.width, f.height)), `t=${f.t}`).not.toBe(f.sha256);
    }
    for (const decoder of [withWarp(null), withWarp({ otype: 'Translation', scale: 0.1 })]) {
      const frames = checkVector(inputOf(w), w, manifest.bound, decoder).filter((r) => r.kind === 'frame');
      expect(frames).toHaveLength(w.frames.length);
      for (const r of frames) expect(r.status, `${decoder.name} ${r.subject}`).toBe('fail');
    }
    // The warp as written passes exactly (the fractional frame included: the warp is interpolated with z).
    const frames = checkVector(inputOf(w), w, manifest.bound, withWarp(model.config.warp)).filter(
      (r) => r.kind === 'frame',
    );
    expect(frames.map((r) => [r.status, r.frame?.exact])).toEqual(w.frames.map(() => ['pass', true]));
    expect(w.frames.some((f) => !Number.isInteger(f.t))).toBe(true);
  });

  it('a decoder that renders at half resolution and upsamples fails; float noise of 2e-3 passes inexactly', () => {
    const halfRes: DecoderUnderTest = {
      name: 'half',
      open: (model) => {
        const r = createRenderer(model);
        return {
          renderFrame(t, w, h) {
            const hw = Math.ceil(w / 2);
            const small = r.renderFrame(t, hw, Math.ceil(h / 2));
            const out = new Float32Array(w * h * 3);
            for (let y = 0; y < h; y++)
              for (let x = 0; x < w; x++)
                for (let c = 0; c < 3; c++)
                  out[(y * w + x) * 3 + c] = small[((y >> 1) * hw + (x >> 1)) * 3 + c];
            return out;
          },
        };
      },
    };
    const frames = (d: DecoderUnderTest) =>
      checkVector(inputOf(v), v, manifest.bound, d).filter((r) => r.kind === 'frame');
    expect(frames(halfRes).every((r) => r.status === 'fail')).toBe(true);
    const rng = createRng(3);
    const noisy: DecoderUnderTest = {
      name: 'noisy',
      open: (model) => {
        const r = createRenderer(model);
        return { renderFrame: (t, w, h) => r.renderFrame(t, w, h).map((x) => x + rng.uniform(-2e-3, 2e-3)) };
      },
    };
    const results = frames(noisy);
    expect(results.every((r) => r.status === 'pass')).toBe(true);
    expect(results.some((r) => !r.frame!.exact)).toBe(true);
  });

  it("a vector checked against another vector's entry fails its structure, tensors and frames", () => {
    const other = vector('fourier-4bit');
    const results = checkVector(
      { bytes: read(other.file), referenceFrames: read(v.reference_frames.file) },
      v,
      manifest.bound,
    );
    const failedKinds = new Set(failures(results).map((r) => r.kind));
    expect([...failedKinds].sort()).toEqual(['file', 'frame', 'structure', 'tensor']);
    expect(results.find((r) => r.kind === 'structure')!.detail).toMatch(/frame_count 8 ≠ 12/);
  });

  it('without the reference frame file only exact frames pass', () => {
    const results = checkVector({ bytes: read(v.file), referenceFrames: null }, v, manifest.bound);
    expect(failures(results)).toEqual([]);
  });
});

describe('manifest and generator', () => {
  it('describing the committed vectors reproduces the manifest entries', () => {
    for (const v of manifest.vectors) {
      const { entry, referenceFrames } = describeVector(read(v.file), {
        file: v.file,
        referenceFramesFile: v.reference_frames.file,
        description: v.description,
        covers: v.covers,
        frames: frameRequests(readLirnFile(read(v.file))),
      });
      expect(entry).toEqual(v);
      expect(sha256Hex(referenceFrames)).toBe(v.reference_frames.sha256);
    }
  });

  it('regenerates the untrained and malformed vectors byte for byte', async () => {
    for (const recipe of VECTORS.filter((r) => !r.trained)) {
      expect(sha256Hex(await buildVectorBytes(recipe)), recipe.name).toBe(vector(recipe.name).sha256);
    }
    for (const recipe of MALFORMED) {
      const bytes = recipe.mutate(read(`${recipe.from}.lirn`));
      expect(sha256Hex(bytes), recipe.name).toBe(
        manifest.malformed.find((m) => m.file === `${recipe.name}.lirn`)!.sha256,
      );
    }
  });

  it('rejects a damaged manifest, naming the field', () => {
    const damaged = structuredClone(manifestJson);
    damaged.vectors[1].chunks[0].tensors[2].sha256 = 'xyz';
    expect(() => parseManifest(damaged)).toThrow(ManifestError);
    expect(() => parseManifest(damaged)).toThrow(/vectors\[1\]\.chunks\[0\]\.tensors\[2\]\.sha256/);
    damaged.vectors[1].chunks[0].tensors[2].sha256 = manifestJson.vectors[1].chunks[0].tensors[2].sha256;
    damaged.vectors[0].file = '../escape.lirn';
    expect(() => parseManifest(damaged)).toThrow(/vectors\[0\]\.file/);
  });
});

describe('lirn conform', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lirn-conform-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('--all passes every vector', async () => {
    const reports = await runConform({ files: [], all: true });
    expect(reports).toHaveLength(manifest.vectors.length + manifest.malformed.length);
    for (const r of reports) expect(r.failed, r.file).toBe(0);
  });

  it('finds the entry of a renamed file by its sha256, and exits 1 on a damaged file', async () => {
    const bytes = read('fourier-4bit.lirn');
    const renamed = join(dir, 'renamed.lirn');
    await writeFile(renamed, bytes);
    const manifestPath = join(CONFORMANCE_DIR, 'manifest.json');
    const [ok] = await runConform({ files: [renamed], manifest: manifestPath });
    expect(ok.entry).toBe('fourier-4bit.lirn');
    expect(ok.failed).toBe(0);

    const damaged = bytes.slice();
    damaged[damaged.length - 1] ^= 0x01; // the last latent sample
    const path = join(dir, 'fourier-4bit.lirn');
    await writeFile(path, damaged);
    const out: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((s: string) => out.push(s) > 0) as typeof process.stdout.write;
    let code: number;
    try {
      code = await conformCommand([path, '--manifest', manifestPath, '--quiet']);
    } finally {
      process.stdout.write = write;
    }
    expect(code).toBe(1);
    expect(out.join('')).toMatch(/FAIL .*fourier-4bit\.lirn/);
    expect(out.join('')).toMatch(/FAIL\s+file\s+fourier-4bit\.lirn/);
  });
});
