/**
 * The player in headless Chromium with WebGPU (SwiftShader here), against the project's streaming server holding
 * a tiny three-chunk video: it plays to the end through every chunk's model; frames read back from the GPU match
 * the reference decoder at two resolutions and at fractional frame times; 2× frame rate draws interpolated
 * frames; with WebGPU hidden, the H.264 rendition plays through hls.js. Fails with a clear message when Chromium
 * or WebGPU is missing. LIRN_UPDATE_SCREENSHOT=1 also refreshes docs/player.png.
 */
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlayer } from '../../player/build.mjs';
import type { PageHandle } from '../../player/src/main.js';
import { StreamDecoder } from '../../src/codec/decoder/stream-decoder.js';
import { fixtureVideo } from './fixture-video.js';
import {
  type Browser,
  launchChromium,
  psnr,
  requireWebGpuAdapter,
  startTestServer,
  type TestServer,
} from './harness.js';

declare global {
  interface Window {
    lirn?: PageHandle;
  }
}

const SCREENSHOT = fileURLToPath(new URL('../../docs/player.png', import.meta.url));

describe('player e2e: Chromium + WebGPU against the streaming server', () => {
  const video = fixtureVideo();
  const reference = new StreamDecoder(video.file);
  let dist = '';
  let server: TestServer;
  let browser: Browser;
  let id = '';

  beforeAll(async () => {
    dist = await mkdtemp(join(tmpdir(), 'lirn-player-dist-'));
    await buildPlayer({ outdir: dist });
    server = await startTestServer(dist);
    id = await server.ingest(video.bytes);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dist) await rm(dist, { recursive: true, force: true });
  });

  async function open(query: string, hideWebGpu = false): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    if (hideWebGpu) {
      await page.addInitScript(() => {
        Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
      });
    }
    await page.goto(`${server.url}/?video=${id}&${query}`);
    return { page, problems };
  }

  it('plays the served video to the end, switching models at chunk boundaries', async () => {
    const { page, problems } = await open('res=source');
    await requireWebGpuAdapter(page);
    await page.waitForFunction(() => window.lirn?.player.state === 'ended', null, { timeout: 30_000 });
    const result = await page.evaluate(() => {
      const { player, log } = window.lirn!;
      const canvas = document.getElementById('screen') as HTMLCanvasElement;
      return {
        time: player.currentTime,
        duration: player.duration,
        stats: player.getStats(),
        log,
        canvas: [canvas.width, canvas.height],
      };
    });
    const context = JSON.stringify({ problems, log: result.log, stats: result.stats });
    expect(problems, context).toEqual([]);
    expect(
      result.log.filter((e) => e.event === 'error'),
      context,
    ).toEqual([]);
    expect(result.duration).toBeCloseTo(2, 5);
    expect(result.time).toBeCloseTo(2, 5);
    expect(result.canvas).toEqual([32, 24]);
    // Chunk models draw in order: init-0, init-1, init-2.
    const switches = result.log
      .filter((e) => e.event === 'modelSwitch')
      .map((e) => String(e.to).replace(/^.*\//, ''));
    expect(switches, context).toEqual(['init-0.mp4', 'init-1.mp4', 'init-2.mp4']);
    // Frames the GPU was too busy for are dropped (a loaded 2-core machine): at least a few per chunk drawn.
    expect(result.stats.framesRendered, context).toBeGreaterThanOrEqual(9);
    expect(result.stats.bitrateKbps).toBeGreaterThan(0);
    await page.close();
  }, 40_000);

  it('draws what the reference decoder draws (PSNR ≥ 45 dB) at two resolutions and at fractional times', async () => {
    const { page, problems } = await open('res=source&autoplay=0');
    await page.waitForFunction(() => window.lirn?.player.state === 'paused', null, { timeout: 20_000 });
    const cases: Array<[t: number, w: number, h: number, what: string]> = [
      [3, 32, 24, 'hash grid, source size'],
      [3, 80, 60, 'hash grid, 2.5× size'],
      [5.5, 32, 24, 'hash grid, fractional time (latent interpolation)'],
      [15.5, 32, 24, 'between chunks 0 and 1 (two models blended)'],
      [20.25, 48, 36, 'Fourier features, first and last layers modulated, fractional time, 1.5× size'],
      [41.5, 32, 24, 'patch model, fractional time'],
      [44, 20, 15, 'patch model, smaller than the source'],
    ];
    const results: string[] = [];
    for (const [t, w, h, what] of cases) {
      const gpu = await page.evaluate(
        async ([t, w, h]) => Array.from(await window.lirn!.player.readFrame(t, w, h)),
        [t, w, h] as const,
      );
      const db = psnr(gpu, reference.renderFrame(t, w, h));
      results.push(`t=${t} ${w}×${h} ${what}: ${db.toFixed(1)} dB`);
      expect(db, results.at(-1)).toBeGreaterThanOrEqual(45);
    }
    console.log(`GPU vs reference decoder:\n  ${results.join('\n  ')}`);
    expect(problems).toEqual([]);
    await page.close();
  }, 40_000);

  it('renders interpolated frames at 2× the source frame rate after a seek', async () => {
    const { page } = await open('res=source&rate=2&autoplay=0');
    await page.waitForFunction(() => window.lirn?.player.state === 'paused', null, { timeout: 20_000 });
    const times = await page.evaluate(async () => {
      const { player } = window.lirn!;
      const seen: number[] = [];
      player.hub.on('frameRendered', (e) => seen.push(e.t));
      player.seek(1.0);
      player.play();
      await player.hub.next('stateChange', (e) => e.state === 'ended');
      return seen;
    });
    // From the seek target on, on a grid of half frames (frames the GPU could not keep up with are dropped).
    expect(Math.min(...times)).toBeGreaterThanOrEqual(24);
    expect(times.some((t) => !Number.isInteger(t))).toBe(true);
    expect(times.every((t) => Number.isInteger(t * 2))).toBe(true);
    expect(times.at(-1)).toBe(47);
    await page.close();
  }, 30_000);

  it('recovers from a lost GPU device: new device, pipeline restarted, same pixels', async () => {
    const { page, problems } = await open('res=source&autoplay=0');
    await page.waitForFunction(() => window.lirn?.player.state === 'paused', null, { timeout: 20_000 });
    const log = await page.evaluate(async () => {
      const { player, log } = window.lirn!;
      // What a driver reset or a GPU process crash does to the page.
      (player as unknown as { gpu: { device: GPUDevice } }).gpu.device.destroy();
      await player.hub.next('error', (e) => e.details === 'gpuDeviceLost');
      const drawn = player.hub.next('frameRendered', (e) => e.t === 30);
      player.seek(30 / 24);
      await drawn;
      return log.filter((e) => e.event === 'error');
    });
    expect(log).toEqual([
      expect.objectContaining({ details: 'gpuDeviceLost', action: 'retry', fatal: false }),
    ]);
    const gpu = await page.evaluate(async () =>
      Array.from(await window.lirn!.player.readFrame(30.5, 32, 24)),
    );
    expect(psnr(gpu, reference.renderFrame(30.5, 32, 24))).toBeGreaterThanOrEqual(45);
    expect(problems).toEqual([]);
    await page.close();
  }, 30_000);

  it('plays the H.264 rendition through hls.js when WebGPU is missing', async () => {
    const { page, problems } = await open('res=source', true);
    await page.waitForFunction(
      () => {
        const v = document.getElementById('fallback') as HTMLVideoElement;
        return window.lirn?.fallback?.engine === 'hls.js' && v.currentTime > 0.5 && !v.error;
      },
      null,
      { timeout: 20_000 },
    );
    const state = await page.evaluate(() => ({
      message: document.getElementById('message')?.textContent ?? '',
      videoShown: !(document.getElementById('fallback') as HTMLVideoElement).hidden,
      canvasHidden: (document.getElementById('screen') as HTMLCanvasElement).hidden,
      playerState: window.lirn!.player.state,
      log: window.lirn!.log,
    }));
    expect(state.message).toMatch(/WebGPU is not available.*H\.264 rendition through hls\.js/);
    expect(state).toMatchObject({ videoShown: true, canvasHidden: true, playerState: 'fallback' });
    expect(state.log.find((e) => e.event === 'error')).toMatchObject({
      type: 'renderError',
      details: 'webgpuUnavailable',
      fatal: true,
      action: 'fallback',
    });
    expect(problems).toEqual([]);
    await page.close();
  }, 30_000);

  it('screenshots the player (docs/player.png with LIRN_UPDATE_SCREENSHOT=1)', async () => {
    const { page } = await open('res=auto&autoplay=0');
    await page.waitForFunction(() => window.lirn?.player.state === 'paused', null, { timeout: 20_000 });
    await page.evaluate(async () => {
      const { player } = window.lirn!;
      const drawn = player.hub.next('frameRendered', (e) => e.t === 20);
      player.seek(20 / 24);
      await drawn;
    });
    const shot = join(dist, 'player.png');
    await page.locator('#player').screenshot({ path: shot });
    expect((await stat(shot)).size).toBeGreaterThan(5000);
    if (process.env.LIRN_UPDATE_SCREENSHOT === '1') await copyFile(shot, SCREENSHOT);
    await page.close();
  }, 30_000);
});
