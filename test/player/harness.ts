/**
 * Browser-side test harness for the player: writes a fixture video as HLS files (Latent-INR rendition plus an
 * H.264 fallback made with node-av), serves them and player/dist with a tiny static HTTP server, and launches
 * Debian's Chromium through playwright-core with WebGPU enabled. Used by the e2e test and bench/player-render.ts.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { StreamDecoder } from '../../src/codec/decoder/stream-decoder.js';
import { Demuxer, Muxer } from '../../src/media/av.js';
import { encodeVideo } from '../../src/media/encode.js';
import {
  FIXTURE_HEIGHT,
  FIXTURE_WIDTH,
  type FixtureVideo,
  lirnBandwidth,
  lirnMediaPlaylist,
} from './fixture-video.js';

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

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.mp4': 'video/mp4',
  '.m4s': 'video/iso.segment',
  '.txt': 'text/plain',
};

export interface StaticServer {
  url: string;
  /** Paths requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves `mounts` (URL prefix → folder), '/' last. Files only, no directory listing, no path escapes. */
export async function startStaticServer(mounts: Record<string, string>): Promise<StaticServer> {
  const requests: string[] = [];
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const prefix = prefixes.find((p) => path.startsWith(p));
    if (!prefix) {
      res.writeHead(404).end();
      return;
    }
    const root = resolve(mounts[prefix]);
    let file = resolve(join(root, normalize(path.slice(prefix.length))));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': body.byteLength,
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no server address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** avc1.PPCCLL from the avcC box of an H.264 init segment. */
export function avcCodecString(init: Uint8Array): string {
  for (let i = 4; i + 8 < init.length; i++) {
    if (init[i] === 0x61 && init[i + 1] === 0x76 && init[i + 2] === 0x63 && init[i + 3] === 0x43) {
      const hex = (b: number) => b.toString(16).padStart(2, '0');
      return `avc1.${hex(init[i + 5])}${hex(init[i + 6])}${hex(init[i + 7])}`;
    }
  }
  throw new Error('no avcC box in the H.264 init segment');
}

/** The fallback rendition: the reference decoder's frames → x264 → fMP4 HLS (node-av's hls muxer). */
async function writeH264Rendition(
  video: FixtureVideo,
  dir: string,
): Promise<{ codecs: string; bandwidth: number }> {
  await mkdir(dir, { recursive: true });
  const decoder = new StreamDecoder(video.file);
  const frames: Uint8Array[] = [];
  for (let t = 0; t < video.file.frameCount; t++) {
    const rgb = decoder.renderFrame(t, FIXTURE_WIDTH, FIXTURE_HEIGHT);
    frames.push(Uint8Array.from(rgb, (v) => Math.floor(255 * v + 0.5)));
  }
  const mp4 = join(dir, 'source.mp4');
  await encodeVideo(frames, {
    path: mp4,
    width: FIXTURE_WIDTH,
    height: FIXTURE_HEIGHT,
    fps: video.fps,
    codec: 'h264',
    preset: 'ultrafast',
    gopSize: video.fps,
  });
  const demuxer = await Demuxer.open(mp4);
  try {
    const stream = demuxer.video();
    if (!stream) throw new Error('encoded H.264 file has no video stream');
    const muxer = await Muxer.open(join(dir, 'playlist.m3u8'), {
      format: 'hls',
      input: demuxer,
      options: {
        hls_time: 1,
        hls_playlist_type: 'vod',
        hls_segment_type: 'fmp4',
        hls_fmp4_init_filename: 'init.mp4',
        hls_segment_filename: join(dir, 'seg-%d.m4s'),
      } as never,
    });
    const index = muxer.addStream(stream);
    for await (const packet of demuxer.packets(stream.index)) {
      if (!packet) break;
      await muxer.writePacket(packet, index);
      packet.free();
    }
    await muxer.close();
  } finally {
    await demuxer.close();
  }
  await rm(mp4);
  const init = await readFile(join(dir, 'init.mp4'));
  const size = (await stat(join(dir, 'seg-0.m4s'))).size + init.byteLength;
  return {
    codecs: avcCodecString(init),
    bandwidth: Math.ceil((size * 8) / (video.file.frameCount / video.fps)),
  };
}

/** Writes `video` under `dir`: master.m3u8, lirn/ (init-<k>.mp4, seg-<i>.m4s, playlist.m3u8), h264/. */
export async function writeHlsFolder(video: FixtureVideo, dir: string, withFallback = true): Promise<void> {
  const lirn = join(dir, 'lirn');
  await mkdir(lirn, { recursive: true });
  await Promise.all([
    ...video.inits.map((b, k) => writeFile(join(lirn, `init-${k}.mp4`), b)),
    ...video.segments.map((s, i) => writeFile(join(lirn, `seg-${i}.m4s`), s.bytes)),
    writeFile(join(lirn, 'playlist.m3u8'), lirnMediaPlaylist(video)),
  ]);
  const res = `RESOLUTION=${FIXTURE_WIDTH}x${FIXTURE_HEIGHT},FRAME-RATE=${video.fps.toFixed(3)}`;
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS'];
  lines.push(
    `#EXT-X-STREAM-INF:BANDWIDTH=${lirnBandwidth(video)},${res},CODECS="lirn"`,
    'lirn/playlist.m3u8',
  );
  if (withFallback) {
    const h264 = await writeH264Rendition(video, join(dir, 'h264'));
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${h264.bandwidth},${res},CODECS="${h264.codecs}"`,
      'h264/playlist.m3u8',
    );
  }
  await writeFile(join(dir, 'master.m3u8'), `${lines.join('\n')}\n`);
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches headless Chromium with WebGPU; fails with a clear message when Chromium is not installed. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
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
    viewport: { width: 800, height: 600 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** PSNR in dB of two float RGB frames in [0, 1] (peak 1), as the codec's metrics define it. */
export function psnr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`frames differ in size: ${a.length} vs ${b.length}`);
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  const mse = se / a.length;
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10(1 / mse);
}
