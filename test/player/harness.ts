/**
 * Browser-side harness for the player: the project's streaming server (src/server, with the built player at `/`)
 * holding the fixture video — uploaded as a .lirn, so the server cuts the HLS pieces and renders the H.264
 * fallback rendition itself — and Debian's Chromium launched through playwright-core with WebGPU enabled. Used
 * by the e2e test and bench/player-render.ts.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildServer, type LirnFastify, type LirnServerOptions } from '../../src/server/index.js';

export const CHROMIUM_PATH = process.env.LIRN_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // Without these, headless Chromium's compositor (ANGLE on GL) cannot take the WebGPU canvas's swap-chain
  // image ("Could not find SharedImageBackingFactory … WebgpuSwapChainTexture") and the GPU device is lost at
  // the first present; with Dawn and ANGLE both on SwiftShader Vulkan the canvas presents.
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-angle=swiftshader',
];

export interface TestServer {
  url: string;
  app: LirnFastify;
  /** Uploads a .lirn file and waits until the server has made its pieces; returns the video id. */
  ingest(bytes: Uint8Array): Promise<string>;
  close(): Promise<void>;
}

/** The streaming server on 127.0.0.1 with a fresh data directory, serving `playerDir` at `/`. */
export async function startTestServer(
  playerDir: string,
  options: Partial<LirnServerOptions> = {},
): Promise<TestServer> {
  const data = await mkdtemp(join(tmpdir(), 'lirn-player-e2e-'));
  const app = await buildServer({ dataDir: data, playerDir, renderer: 'reference', ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the server has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    app,
    ingest: async (bytes) => {
      const r = await app.inject({
        method: 'POST',
        url: '/api/videos',
        payload: Buffer.from(bytes),
        headers: { 'content-type': 'application/octet-stream' },
      });
      if (r.statusCode !== 202) throw new Error(`upload refused: ${r.statusCode} ${r.body}`);
      await app.lirn.queue.idle();
      const id = r.json().id as string;
      const meta = (await app.inject({ url: `/api/videos/${id}` })).json();
      if (meta.state !== 'ready')
        throw new Error(`video ${id} is ${meta.state}, not ready: ${JSON.stringify(meta)}`);
      return id;
    },
    close: async () => {
      await app.close();
      await rm(data, { recursive: true, force: true });
    },
  };
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches headless Chromium with WebGPU; fails with a clear message when Chromium is not installed. */
export async function launchChromium(
  extraArgs: string[] = [],
  viewport = { width: 800, height: 600 },
): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set LIRN_CHROMIUM`,
    );
  }
  const profile = await mkdtemp(join(tmpdir(), 'lirn-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    viewport,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** The page's WebGPU adapter as "vendor architecture"; throws a clear error when the browser offers none. */
export async function requireWebGpuAdapter(page: Page): Promise<string> {
  const adapter = await page.evaluate(async () => {
    const a = await navigator.gpu?.requestAdapter();
    return a ? `${a.info.vendor} ${a.info.architecture}` : null;
  });
  if (!adapter)
    throw new Error(
      'WebGPU is unavailable in this headless Chromium (navigator.gpu.requestAdapter() gave no adapter)',
    );
  return adapter;
}

/** PSNR in dB of two float RGB frames in [0, 1] (peak 1). */
export function psnr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`frames differ in size: ${a.length} vs ${b.length}`);
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  const mse = se / a.length;
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10(1 / mse);
}
