/**
 * The player's WebGPU renderer (player/src/render) in headless Chromium (SwiftShader here), driven directly
 * with tiny models and compared with the reference renderer (src/codec/render) at the e2e test's bound
 * (PSNR ≥ 45 dB): spatio-temporal hash-grid levels (spec §4.3.3; dense and hashed, beside a static level) at
 * integer and fractional frame times, with a patch head too, a static hash grid as a control and with scenes
 * (a time slice per scene on its static levels), and a per-frame
 * affine warp (§4.3.2.1) big enough to clamp coordinates. Fails with a clear message when Chromium or WebGPU is
 * missing. A few dozen pixels per frame keep the software adapter quick.
 */
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { levelTimeResolution, type ModelConfig } from '../../src/codec/model/config.js';
import { isDenseLevel } from '../../src/codec/model/encoding.js';
import { latentAt } from '../../src/codec/model/latent.js';
import { type ParamSet, paramSpecs } from '../../src/codec/model/params.js';
import { warpCoords, warpParams } from '../../src/codec/model/warp.js';
import { gridCoords } from '../../src/codec/render/coords.js';
import { createRenderer } from '../../src/codec/render/renderer.js';
import { randomParams, tinyHashConfig, tinyTemporalConfig } from '../codec/engine/native/helpers.js';
import type { GpuRenderRequest, GpuRenderResult } from './gpu-render-page.js';
import { type Browser, launchChromium, psnr, requireWebGpuAdapter } from './harness.js';

const ORIGIN = 'http://localhost'; // a secure context, which WebGPU needs; served through page.route
const FRAMES = 5;
const WIDTH = 8;
const HEIGHT = 6;

/** Renders `times` of a random model (then `edit`ed) with both renderers. */
async function renderBoth(
  page: Page,
  config: ModelConfig,
  seed: number,
  times: number[],
  edit: (params: ParamSet) => void = () => undefined,
) {
  const params = randomParams(config, FRAMES, seed);
  edit(params);
  // Mid-grey output bias, so the picture is not mostly clamped to 0 or 1.
  const outBias = config.patch ? 'patch.conv.bias' : `base.${config.base.n_hidden_layers}.bias`;
  params.get(outBias)!.data.fill(0.5);
  const request: GpuRenderRequest = {
    config,
    frames: FRAMES,
    params: paramSpecs(config, FRAMES)
      .filter((s) => s.name !== 'latents')
      .map((s) => ({ name: s.name, shape: s.shape, data: Array.from(params.get(s.name)!.data) })),
    latents: Array.from(params.get('latents')!.data),
    times,
    width: WIDTH,
    height: HEIGHT,
  };
  const gpu: GpuRenderResult = await page.evaluate((r) => window.lirnGpuRender!(r), request);
  const reference = createRenderer({ config, params });
  return { gpu, params, reference: times.map((t) => reference.renderFrame(t, WIDTH, HEIGHT)) };
}

describe('WebGPU renderer vs the reference renderer (Chromium + WebGPU)', () => {
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [new URL('./gpu-render-page.ts', import.meta.url).pathname],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: ['chrome113'],
      write: false,
      logLevel: 'warning',
    });
    const script = bundle.outputFiles[0].text;
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    await page.route(`${ORIGIN}/**`, (route) => {
      const js = route.request().url().endsWith('.js');
      return route.fulfill({
        status: 200,
        contentType: js ? 'text/javascript' : 'text/html',
        body: js ? script : '<!doctype html><script type="module" src="/gpu-render.js"></script>',
      });
    });
    await page.goto(`${ORIGIN}/index.html`);
    await page.waitForFunction(() => typeof window.lirnGpuRender === 'function', null, { timeout: 20_000 });
    await requireWebGpuAdapter(page);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  const cases: Array<[what: string, config: () => ModelConfig, times: number[]]> = [
    // τ = (t + 0.5)/5: 0.3, 0.5, 0.7, 0.9 — slices inside, at a boundary (τ·2 = 1) and in the last cell.
    ['spatio-temporal hash grid (dense and hashed levels)', () => tinyTemporalConfig(), [1, 2, 3.25, 1.5, 4]],
    [
      'spatio-temporal hash grid with a patch head',
      () => ({ ...tinyTemporalConfig([1]), patch: { size: 2, channels: 3 } }),
      [0, 2.75],
    ],
    ['static hash grid (control)', () => tinyHashConfig(), [1, 2.5]],
    // Scenes start at frames 2 and 4: t = 1.5 still reads scene 0, t = 3.25 scene 1, t = 4 scene 2.
    [
      "static hash grid with scenes (dense and hashed levels on the slice of the frame's scene)",
      () => {
        const c = tinyHashConfig();
        if (c.encoding.otype !== 'HashGrid') throw new Error('hash grid expected');
        return { ...c, encoding: { ...c.encoding, scene_starts: [2, 4] } };
      },
      [0, 1.5, 2, 3.25, 4],
    ],
  ];

  for (const [what, makeConfig, times] of cases) {
    it(`draws what the reference renderer draws (PSNR ≥ 45 dB): ${what}`, async () => {
      const config = makeConfig();
      const enc = config.encoding;
      if (enc.otype !== 'HashGrid') throw new Error('hash grid expected');
      if (what.startsWith('spatio-temporal')) {
        // The model covers both kinds of spatio-temporal level and a static one.
        const levels = enc.level_resolutions.map((_, l) => [
          levelTimeResolution(enc, l) > 0,
          isDenseLevel(enc, l),
        ]);
        expect(levels).toContainEqual([true, true]);
        expect(levels).toContainEqual([true, false]);
        expect(levels).toContainEqual([false, true]);
      }
      const { gpu, reference } = await renderBoth(page, config, 11, times);
      expect(gpu.errors).toEqual([]);
      expect(gpu.frames).toHaveLength(times.length);
      const report: string[] = [];
      times.forEach((t, k) => {
        const ref = reference[k];
        // Not a degenerate (clamped) picture: most values lie strictly inside (0, 1).
        const inside = ref.filter((v) => v > 0 && v < 1).length;
        expect(inside, `t=${t}`).toBeGreaterThan(ref.length / 2);
        const db = psnr(gpu.frames[k], ref);
        report.push(`t=${t}: ${db.toFixed(1)} dB`);
        expect(db, `${what}, t=${t} (${report.join(', ')})`).toBeGreaterThanOrEqual(45);
      });
      console.log(`GPU vs reference, ${what}: ${report.join(', ')}`);
      expect(problems).toEqual([]);
    }, 60_000);
  }
  it('draws a warped model as the reference renderer does (PSNR ≥ 45 dB), and the warp matters', async () => {
    const config: ModelConfig = {
      ...tinyHashConfig(),
      latent: { dim: 8, init_std: 0.5 },
      warp: { otype: 'Affine', scale: 0.1 },
    };
    // Warp latents u, v, a, b, c, d = 0.1·z: up to ±0.3 at row 0, shrinking by a fifth per row.
    const base = [3, -2.5, 1.5, -1, 1, -1.5];
    const times = [2, 0.75];
    const { gpu, params, reference } = await renderBoth(page, config, 13, times, (p) => {
      const z = p.get('latents')!.data;
      for (let r = 0; r < FRAMES; r++)
        z.set(
          base.map((v) => v * (1 - 0.2 * r)),
          r * 8,
        );
    });
    expect(gpu.errors).toEqual([]);
    const unwarped = createRenderer({ config: { ...config, warp: null }, params });
    const latents = params.get('latents')!.data;
    const coords = gridCoords(0, WIDTH * HEIGHT, WIDTH, HEIGHT, new Float32Array(2 * WIDTH * HEIGHT));
    const report: string[] = [];
    times.forEach((t, k) => {
      // Some warped coordinates clamp to the picture's edge.
      const warp = warpParams(config, latentAt(latents, FRAMES, 8, t))!;
      const moved = warpCoords(warp, coords, WIDTH * HEIGHT, new Float32Array(coords.length));
      expect(
        moved.some((c) => c === 0 || c === 1),
        `t=${t}`,
      ).toBe(true);
      const ref = reference[k];
      expect(ref.filter((v) => v > 0 && v < 1).length, `t=${t}`).toBeGreaterThan(ref.length / 2);
      // A renderer ignoring the warp would draw this: far below the bound, so it could not pass.
      const plain = psnr(unwarped.renderFrame(t, WIDTH, HEIGHT), ref);
      const db = psnr(gpu.frames[k], ref);
      report.push(`t=${t}: ${db.toFixed(1)} dB (unwarped vs warped reference ${plain.toFixed(1)} dB)`);
      expect(plain, `t=${t}`).toBeLessThan(30);
      expect(db, `warped, t=${t} (${report.join(', ')})`).toBeGreaterThanOrEqual(45);
    });
    console.log(`GPU vs reference, affine warp: ${report.join(', ')}`);
    expect(problems).toEqual([]);
  }, 60_000);
});
