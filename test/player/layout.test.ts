import { describe, expect, it } from 'vitest';
import { macsPerPixel, renderCost } from '../../player/src/render/cost.js';
import {
  FRAME_UNIFORM_BYTES,
  frameUniformData,
  modelLayout,
  packParams,
} from '../../player/src/render/layout.js';
import { GPU_MODEL_LIMITS, modelShader, unsupportedReason } from '../../player/src/render/wgsl.js';
import { decodeChunkModel } from '../../src/codec/decoder/chunk-model.js';
import { hashLevelRows, profileConfig } from '../../src/codec/model/config.js';
import { encodePositions, frameTau, isDenseLevel } from '../../src/codec/model/encoding.js';
import { frameWeights } from '../../src/codec/model/hypernet.js';
import { prepareModel } from '../../src/codec/model/model.js';
import { paramSpecs, tensorSize } from '../../src/codec/model/params.js';
import { tinyHashConfig, tinyTemporalConfig } from '../codec/engine/native/helpers.js';
import { FIXTURE_CONFIGS, fixtureVideo } from './fixture-video.js';

const video = fixtureVideo();

/**
 * The per-frame and per-pixel math done from the packed buffers through the layout's offsets — what the WGSL
 * reads — so a wrong offset shows up against the reference decoder without a GPU.
 */
function evaluateThroughLayout(k: number, t: number, x: number, y: number) {
  const chunk = video.file.chunks[k];
  const model = decodeChunkModel(
    chunk,
    video.file.segments.filter((s) => s.chunkIndex === k),
  );
  const layout = modelLayout(chunk.config);
  const params = packParams(
    layout.params,
    paramSpecs(chunk.config, chunk.frameCount)
      .filter((s) => s.name !== 'latents')
      .map((s) => ({ name: s.name, shape: s.shape, data: model.params.get(s.name)!.data })),
  );
  const latents = model.params.get('latents')!.data;
  const D = layout.scratch.latentDim;
  const scratch = new Float32Array(layout.scratch.totalFloats);
  for (let d = 0; d < D; d++) scratch[layout.scratch.z + d] = latents[t * D + d];
  for (const m of layout.scratch.modulated) {
    for (const h of m.hyper) {
      for (let o = 0; o < h.outDim; o++) {
        let s = params[h.bias + o];
        for (let i = 0; i < h.inDim; i++) s += params[h.weight + o * h.inDim + i] * scratch[h.input + i];
        scratch[h.output + o] = h.tanh ? Math.tanh(s) : s;
      }
    }
    const baseWeight = layout.params.offsets.get(`base.${m.layer}.weight`)!;
    for (let o = 0; o < m.outDim; o++) {
      for (let i = 0; i < m.inDim; i++) {
        let acc = 0;
        for (let r = 0; r < m.rank; r++)
          acc += scratch[m.v + o * m.rank + r] * scratch[m.v + m.outDim * m.rank + r * m.inDim + i];
        scratch[m.weightT + o * m.inDim + i] =
          (1 / (1 + Math.exp(-acc))) * params[baseWeight + o * m.inDim + i];
      }
    }
  }
  const prepared = prepareModel(model);
  let act = Array.from(encodePositions(prepared, new Float32Array([x, y]), 1));
  for (const layer of layout.base) {
    const w = layer.weightIn === 'scratch' ? scratch : params;
    const next: number[] = [];
    for (let o = 0; o < layer.outDim; o++) {
      let s = params[layer.bias + o];
      for (let i = 0; i < layer.inDim; i++) s += w[layer.weight + o * layer.inDim + i] * act[i];
      next.push(layer.relu ? Math.max(0, s) : s);
    }
    act = next;
  }
  return { layout, scratch, prepared, output: act, z: latents.slice(t * D, (t + 1) * D) };
}

describe('GPU buffer layout', () => {
  it('packs every non-latent parameter once, in paramSpecs order, and rejects missing or mis-sized ones', () => {
    for (const config of FIXTURE_CONFIGS) {
      const layout = modelLayout(config);
      const specs = paramSpecs(config, 1).filter((s) => s.name !== 'latents');
      let at = 0;
      for (const s of specs) {
        expect(layout.params.offsets.get(s.name)).toBe(at);
        at += tensorSize(s.shape);
      }
      expect(layout.params.totalFloats).toBe(at);
      const tensors = specs.map((s) => ({
        name: s.name,
        shape: s.shape,
        data: new Float32Array(tensorSize(s.shape)).fill(specs.indexOf(s)),
      }));
      const packed = packParams(layout.params, tensors);
      for (const t of tensors) expect(packed[layout.params.offsets.get(t.name)!]).toBe(t.data[0]);
      expect(() => packParams(layout.params, tensors.slice(1))).toThrow(/missing/);
      expect(() =>
        packParams(layout.params, [{ ...tensors[0], data: new Float32Array(1) }, ...tensors.slice(1)]),
      ).toThrow(/values/);
    }
  });

  it('gives the reference decoder’s modulated weights and network output when read through its offsets', () => {
    for (const [k, t] of [
      [0, 3],
      [1, 7],
      [2, 12],
    ]) {
      const { layout, scratch, prepared, output, z } = evaluateThroughLayout(k, t, 0.3, 0.7);
      const reference = frameWeights(prepared, z);
      for (const m of layout.scratch.modulated) {
        const got = scratch.subarray(m.weightT, m.weightT + m.outDim * m.inDim);
        const want = reference[m.layer];
        for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
      }
      const refOut: number[] = [];
      let act = Array.from(encodePositions(prepared, new Float32Array([0.3, 0.7]), 1));
      prepared.base.forEach((layer, i) => {
        const next: number[] = [];
        for (let o = 0; o < layer.outDim; o++) {
          let s = layer.bias[o];
          for (let j = 0; j < layer.inDim; j++) s += reference[i][o * layer.inDim + j] * act[j];
          next.push(i < prepared.base.length - 1 ? Math.max(0, s) : s);
        }
        act = next;
      });
      refOut.push(...act);
      for (let i = 0; i < output.length; i++) expect(output[i]).toBeCloseTo(refOut[i], 5);
    }
  });
});

describe('WGSL generation', () => {
  it('emits the per-frame and pixel entry points each configuration needs, with its offsets baked in', () => {
    const [hash, fourier, patch] = FIXTURE_CONFIGS.map((c) => ({
      config: c,
      layout: modelLayout(c),
      shader: modelShader(c, modelLayout(c)),
    }));
    expect(hash.shader.frameEntries.map((e) => e.entry)).toEqual([
      'latent',
      'hyper_0_0',
      'hyper_0_1',
      'modulate_0',
    ]);
    expect(hash.shader.pixelEntries.map((e) => e.entry)).toEqual(['pixels']);
    expect(hash.shader.code).toContain('level 2: resolution 16×16, hashed');
    expect(hash.shader.code).toContain('level 1: resolution 8×8, dense');
    expect(hash.shader.code).toContain('2654435761u');
    expect(fourier.shader.frameEntries.map((e) => e.entry)).toEqual([
      'latent',
      'hyper_0_0',
      'modulate_0',
      'hyper_1_0',
      'modulate_1',
    ]);
    expect(fourier.shader.code).toContain('sincos_pi(x * 8.0)');
    expect(patch.shader.pixelEntries.map((e) => e.entry)).toEqual(['centroids', 'patch_pixels']);
    expect(patch.shader.code).toContain(
      `params[${patch.layout.params.offsets.get('patch.conv.bias')}u + oc]`,
    );
    // Workgroup counts cover every output.
    for (const { layout, shader } of [hash, fourier, patch]) {
      const mod = shader.frameEntries.filter((e) => e.entry.startsWith('modulate_'));
      for (let i = 0; i < mod.length; i++) {
        const m = layout.scratch.modulated[i];
        expect(mod[i].workgroups * 64).toBeGreaterThanOrEqual(m.outDim * m.inDim);
      }
    }
  });

  it('blends 8 corners on spatio-temporal levels at the frame’s τ, and leaves static levels as they were', () => {
    const config = tinyTemporalConfig(); // T = [2, 0, 3, 5]: level 0 dense, 1 static dense, 2 and 3 hashed
    const layout = modelLayout(config);
    const code = modelShader(config, layout).code;
    const enc = config.encoding;
    if (enc.otype !== 'HashGrid') throw new Error('hash grid expected');
    // Tables sized by the spec's row count (dense spatio-temporal level 0, 3×2 cells: 4·3·3 rows).
    enc.level_resolutions.forEach((_, l) => {
      expect(layout.params.sizes.get(`encoding.level${l}`)).toBe(hashLevelRows(enc, l) * 2);
    });
    expect(layout.params.sizes.get('encoding.level0')).toBe(36 * 2);
    const level = (l: number) =>
      code.slice(code.indexOf(`// level ${l}:`), code.indexOf(`// level ${l + 1}:`));
    expect(level(0)).toMatch(/^\/\/ level 0: resolution 3×2, 2 time slices, dense, spatio-temporal/);
    expect(level(0)).toContain('let pt = frame.tau * 2.0;');
    expect(level(0)).toContain('clamp(floor(pt), 0.0, 1.0)');
    // Non-square: py = y·M and cy clamps to M − 1.
    expect(level(0)).toContain('let py = y * 2.0;');
    expect(level(0)).toContain('let cyf = clamp(floor(py), 0.0, 1.0);');
    // Dense: slice ct + 1 starts (N + 1)·(M + 1) rows after slice ct.
    expect(level(0)).toContain('let s1 = (ct + 1u) * 12u;');
    expect(level(1)).toMatch(/^\/\/ level 1: resolution 5×5, dense\n/);
    expect(level(1)).not.toContain('frame.tau');
    expect(level(2)).toMatch(/^\/\/ level 2: resolution 9×6, 3 time slices, hashed, spatio-temporal/);
    expect(level(2)).toContain('let ht1 = (ct + 1u) * 805459861u;');
    expect(level(2)).toContain('let i11_1 = (hy1 ^ ht1 ^ (cx + 1u)) & 63u;');
    expect(level(3)).toContain('let pt = frame.tau * 5.0;');
    // 8 table reads per feature on the three spatio-temporal levels, 4 on the static one.
    expect(code.match(/params\[\d+u \+ i\d\d_[01] \* 2u \+ k\]/g)).toHaveLength(3 * 8);
    expect(code.match(/params\[\d+u \+ i\d\d \* 2u \+ k\]/g)).toHaveLength(4);
    // Static models never read τ (their shader is the 2-D one).
    for (const c of [...FIXTURE_CONFIGS, tinyHashConfig()]) {
      const s = modelShader(c, modelLayout(c)).code;
      expect(s).not.toContain('frame.tau');
      expect(s).not.toContain('805459861u');
    }
    // The uniform struct is what frameUniformData packs: 6 u32, then β, τ and the warp's 6 f32, then the scene.
    expect(code).toMatch(
      /struct FrameUniforms \{\s*width: u32,\s*height: u32,\s*grid_w: u32,\s*grid_h: u32,\s*t0: u32,\s*t1: u32,\s*beta: f32,(\s*\/\/[^\n]*)*\s*tau: f32,(\s*\/\/[^\n]*)*\s*warp_u: f32,\s*warp_v: f32,\s*warp_a: f32,\s*warp_b: f32,\s*warp_c: f32,\s*warp_d: f32,(\s*\/\/[^\n]*)*\s*scene: u32,\s*\}/,
    );
    // Only models with scenes read it, on their static levels.
    expect(code).not.toContain('frame.scene');
  });

  it("reads the frame's scene slice on static levels of a model with scenes", () => {
    const base = tinyHashConfig();
    if (base.encoding.otype !== 'HashGrid') throw new Error('hash grid');
    const enc = { ...base.encoding, scene_starts: [2] };
    const config = { ...base, encoding: enc };
    const code = modelShader(config, modelLayout(config)).code;
    const dense = enc.level_resolutions.findIndex((_, l) => isDenseLevel(enc, l));
    const hashed = enc.level_resolutions.findIndex((_, l) => !isDenseLevel(enc, l));
    expect(dense).toBeGreaterThanOrEqual(0);
    expect(hashed).toBeGreaterThanOrEqual(0);
    const n = enc.level_resolutions[dense] + 1;
    const m = (enc.level_y_resolutions ?? enc.level_resolutions)[dense] + 1;
    expect(code).toContain(`let i00 = cx + cy * ${n}u + frame.scene * ${n * m}u;`);
    expect(code).toContain('let hy0 = (cy * 2654435761u) ^ (frame.scene * 805459861u);');
    expect(code).not.toContain('frame.tau');
  });

  it('warps the coordinate before the encoding only in warped models', () => {
    const warped = { ...tinyHashConfig(), warp: { otype: 'Affine' as const, scale: 0.1 } };
    const code = modelShader(warped, modelLayout(warped)).code;
    const network = code.slice(code.indexOf('fn network('));
    expect(network).toMatch(/^fn network\(x_in: f32, y_in: f32\)/);
    const warp = network.indexOf('let x = clamp(x_in + frame.warp_u + frame.warp_a * (x_in - 0.5)');
    expect(warp).toBeGreaterThan(0);
    expect(
      network.indexOf('let y = clamp(y_in + frame.warp_v + frame.warp_c * (x_in - 0.5)'),
    ).toBeGreaterThan(0);
    expect(warp).toBeLessThan(network.indexOf('// level 0'));
    for (const c of [...FIXTURE_CONFIGS, tinyHashConfig(), tinyTemporalConfig()]) {
      expect(modelShader(c, modelLayout(c)).code).not.toContain('frame.warp_');
    }
  });

  it('packs each frame’s uniforms with τ = (t + 0.5) / frames, fractional times included, and the warp', () => {
    const read = (t: number, frames: number) => {
      const data = frameUniformData({ width: 40, height: 30, gridW: 20, gridH: 15, t, frames });
      expect(data.byteLength).toBe(FRAME_UNIFORM_BYTES);
      return { u: Array.from(new Uint32Array(data, 0, 6)), f: Array.from(new Float32Array(data, 24, 2)) };
    };
    expect(read(3, 8)).toEqual({ u: [40, 30, 20, 15, 3, 4], f: [0, Math.fround(3.5 / 8)] });
    expect(read(2.25, 5)).toEqual({ u: [40, 30, 20, 15, 2, 3], f: [0.25, Math.fround(2.75 / 5)] });
    // Last row: t1 stays on it; τ of the last frame.
    expect(read(4, 5)).toEqual({ u: [40, 30, 20, 15, 4, 4], f: [0, Math.fround(4.5 / 5)] });
    expect(read(0, 1)).toEqual({ u: [40, 30, 20, 15, 0, 0], f: [0, 0.5] });
    for (const t of [0, 0.5, 1.75, 6.5, 7]) expect(read(t, 8).f[1]).toBe(Math.fround(frameTau(t, 8)));
    // The warp u, v, a, b, c, d follow as f32; zeros without one.
    const warpOf = (warp?: number[]) =>
      Array.from(
        new Float32Array(
          frameUniformData({ width: 4, height: 4, gridW: 0, gridH: 0, t: 0, frames: 1, warp }),
          32,
          6,
        ),
      );
    expect(warpOf()).toEqual([0, 0, 0, 0, 0, 0]);
    expect(warpOf([0.25, -0.5, 0.1, 0, -0.1, 1])).toEqual([0.25, -0.5, 0.1, 0, -0.1, 1].map(Math.fround));
    // The scene follows as u32 at byte 56; 0 without one.
    const sceneOf = (scene?: number) =>
      new Uint32Array(
        frameUniformData({ width: 4, height: 4, gridW: 0, gridH: 0, t: 0, frames: 1, scene }),
        56,
        1,
      )[0];
    expect(sceneOf()).toBe(0);
    expect(sceneOf(3)).toBe(3);
  });

  it('refuses models wider than the renderer supports, naming the limit', () => {
    const wide = {
      ...FIXTURE_CONFIGS[0],
      base: { ...FIXTURE_CONFIGS[0].base, n_neurons: GPU_MODEL_LIMITS.activationWidth + 1 },
    };
    expect(unsupportedReason(wide, modelLayout(wide))).toMatch(/width 257/);
    expect(unsupportedReason(FIXTURE_CONFIGS[0], modelLayout(FIXTURE_CONFIGS[0]))).toBeNull();
  });
});

describe('render cost', () => {
  it('counts the base MLP and encoding per pixel and amortizes the per-frame hypernetwork work', () => {
    const m = profileConfig('M', 1920, 1080);
    const c = renderCost(m);
    // 6 spatio-temporal levels × 8 corners + 6 static × 4, 2 features; layers 24→64, 64→64, 64→64, 64→3.
    expect(c.encodingPerPixel).toBe((6 * 8 + 6 * 4) * 2);
    expect(c.mlpPerPixel).toBe(24 * 64 + 2 * 64 * 64 + 64 * 3);
    // z, hypernetwork 32→32→6·(64 + 24) for the first layer, mask P·Q (64·24·6) and W_t (64·24).
    expect(c.perFrame).toBe(32 + 32 * 32 + 32 * 528 + 64 * 24 * 6 + 64 * 24);
    expect(macsPerPixel(m, 1920, 1080)).toBeCloseTo(144 + 9920 + c.perFrame / (1920 * 1080), 9);
    // Spatio-temporal levels blend 8 corners: T = [2, 0, 3, 5], 2 features → (3·8 + 4)·2.
    expect(renderCost(tinyTemporalConfig()).encodingPerPixel).toBe((3 * 8 + 4) * 2);
    expect(renderCost(tinyHashConfig()).encodingPerPixel).toBe(4 * 4 * 2);
    const patch = renderCost(FIXTURE_CONFIGS[2]);
    expect(patch.convPerPixel).toBe(3 * 9 * 4);
    expect(patch.mlpPerPixel).toBe((6 * 16 + 16 * 16 + 4 * 16) / 4);
  });
});
