/**
 * Player render speed: ms/frame of the WebGPU renderer (the real player, in Chromium through Playwright, on this
 * machine's WebGPU adapter) against output resolution for profiles S/M/L, beside the reference decoder (plain
 * TypeScript, CPU) on the same model in the same run; and the multiply-adds per pixel of each profile computed
 * from its config (encoding + base MLP per pixel, per-frame hypernetwork and mask amortized at 1080p).
 *
 * Usage: npx tsx bench/player-render.ts [--profiles S,M,L] [--sizes 32x18,64x36,128x72,256x144] [--max-ms 4000]
 * A size is skipped for a profile once a smaller one took more than --max-ms per frame (software adapters).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlayer } from '../player/build.mjs';
import type { PageHandle } from '../player/src/main.js';
import { macsPerPixel, renderCost } from '../player/src/render/cost.js';
import { packChunk } from '../src/codec/encoder/pack.js';
import { type ProfileName, profileConfig } from '../src/codec/model/config.js';
import { createRenderer } from '../src/codec/render/index.js';
import { writeLirnFile } from '../src/container/write-file.js';
import { fixtureParams } from '../test/player/fixture-video.js';
import { launchChromium, startTestServer } from '../test/player/harness.js';

declare global {
  interface Window {
    lirn?: PageHandle;
  }
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const profiles = arg('profiles', 'S,M,L').split(',') as ProfileName[];
const sizes = arg('sizes', '32x18,64x36,128x72,256x144')
  .split(',')
  .map((s) => s.split('x').map(Number) as [number, number]);
const maxMs = Number(arg('max-ms', '4000'));
const FRAMES = 8;
const FPS = 24;

/** One chunk of FRAMES frames with the profile's 1080p configuration (the work per pixel is the same at any size). */
function profileVideo(profile: ProfileName) {
  const config = profileConfig(profile, 1920, 1080);
  const params = fixtureParams(config, FRAMES, 3);
  const { chunk, samples } = packChunk(config, params, {
    width: 64,
    height: 36,
    firstFrame: 0,
    frameCount: FRAMES,
  });
  const bytes = writeLirnFile({
    majorBrand: 'lirn',
    minorVersion: 0,
    compatibleBrands: ['lirn', 'iso6'],
    timescale: FPS * 1000,
    sampleDuration: 1000,
    frameCount: FRAMES,
    displayWidth: 64,
    displayHeight: 36,
    chunks: [chunk],
    segments: [{ chunkIndex: 0, firstFrame: 0, baseMediaDecodeTime: 0, samples }],
  });
  return { config, params, bytes };
}

async function main(): Promise<void> {
  const dist = await mkdtemp(join(tmpdir(), 'lirn-player-bench-'));
  await buildPlayer({ outdir: dist });
  const server = await startTestServer(dist, { fallback: false });
  const browser = await launchChromium();
  const rows: string[][] = [];
  let adapter = '';
  try {
    console.log('Multiply-adds per pixel (from the config; per-frame work amortized at 1920×1080):');
    console.log(
      'profile  encoding  base MLP  per frame (hyper+mask)  amortized  total/px  GMAC/s for 1080p60',
    );
    for (const p of profiles) {
      const config = profileConfig(p, 1920, 1080);
      const c = renderCost(config);
      const total = macsPerPixel(config, 1920, 1080);
      console.log(
        `${p.padEnd(8)} ${String(c.encodingPerPixel).padStart(8)}  ${String(c.mlpPerPixel).padStart(8)}  ${String(c.perFrame).padStart(22)}  ${(c.perFrame / (1920 * 1080)).toFixed(3).padStart(9)}  ${total.toFixed(0).padStart(8)}  ${((total * 1920 * 1080 * 60) / 1e9).toFixed(0).padStart(18)}`,
      );
    }
    for (const p of profiles) {
      const { config, params, bytes } = profileVideo(p);
      const id = await server.ingest(bytes);
      const page = await browser.context.newPage();
      await page.goto(`${server.url}/?video=${id}&res=source&autoplay=0`);
      await page.waitForFunction(() => window.lirn?.player.state === 'paused', null, { timeout: 60_000 });
      adapter = await page.evaluate(() => window.lirn!.player.getStats().adapter);
      const reference = createRenderer({ config, params });
      let skip = false;
      for (const [w, h] of sizes) {
        if (skip) {
          rows.push([p, `${w}×${h}`, '—', '—', '—', '—']);
          continue;
        }
        // Warm-up (pipeline compile, first dispatch), then frames until ~1 s or FRAMES.
        await page.evaluate(([w, h]) => window.lirn!.player.timeFrames([0], w, h), [w, h] as const);
        const once = await page.evaluate(([w, h]) => window.lirn!.player.timeFrames([1], w, h), [
          w,
          h,
        ] as const);
        const n = Math.max(1, Math.min(FRAMES, Math.floor(1000 / Math.max(once, 1))));
        const times = Array.from({ length: n }, (_, k) => (k * 1.37) % (FRAMES - 1));
        const gpuMs = await page.evaluate(([t, w, h]) => window.lirn!.player.timeFrames(t, w, h), [
          times,
          w,
          h,
        ] as const);
        const refStart = performance.now();
        const refFrames = Math.max(1, Math.min(3, n));
        for (let k = 0; k < refFrames; k++) reference.renderFrame(times[k], w, h);
        const refMs = (performance.now() - refStart) / refFrames;
        const gmacs = (macsPerPixel(config, w, h) * w * h) / (gpuMs / 1000) / 1e9;
        rows.push([p, `${w}×${h}`, gpuMs.toFixed(1), String(n), gmacs.toFixed(3), refMs.toFixed(1)]);
        console.log(
          `  ${p} ${w}×${h}: ${gpuMs.toFixed(1)} ms/frame (GPU, ${n} frames), reference ${refMs.toFixed(1)} ms/frame`,
        );
        if (gpuMs > maxMs) skip = true;
      }
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
    await rm(dist, { recursive: true, force: true });
  }
  console.log(
    `\nRender time per frame on this machine's WebGPU adapter (${adapter}) vs the reference decoder (CPU, same run):`,
  );
  console.log('profile  size      WebGPU ms/frame  frames  WebGPU GMAC/s  reference ms/frame');
  for (const r of rows) {
    console.log(
      `${r[0].padEnd(8)} ${r[1].padEnd(9)} ${r[2].padStart(15)}  ${r[3].padStart(6)}  ${r[4].padStart(13)}  ${r[5].padStart(18)}`,
    );
  }
}

await main();
