/**
 * The player page: picks the video (?src=playlist URL, ?video=id, or the first ready video the server lists),
 * builds the Player with a decode Worker and the WebGPU device, binds the controls, and switches to the H.264
 * rendition through hls.js when WebGPU is missing. Query parameters: res=auto|source|2x|WxH,
 * rate=<frame-rate factor, 0 = display rate>, autoplay=0|1, webgpu=0 (force the fallback).
 */
import { ErrorDetails, ErrorTypes, PlayerError } from './core/errors.js';
import { WorkerDecoder } from './decode/decoder-client.js';
import { type FallbackHandle, startHlsFallback } from './fallback/hls-fallback.js';
import { Player } from './playback/player.js';
import { parseResolution } from './playback/resolution.js';
import { requestGpu } from './render/gpu-device.js';
import { bindControls, findElements, showMessage } from './ui/controls.js';

/** What the page exposes on `window.lirn` (for the console, tests and benchmarks). */
export interface PageHandle {
  player: Player;
  fallback: FallbackHandle | null;
  /** State changes, model switches, errors and the fallback switch, in order. */
  log: Array<Record<string, unknown>>;
}

declare global {
  interface Window {
    lirn?: PageHandle;
  }
}

async function pickSource(params: URLSearchParams): Promise<string | null> {
  const src = params.get('src');
  if (src) return src;
  const id = params.get('video');
  if (id) return `/videos/${encodeURIComponent(id)}/master.m3u8`;
  try {
    const response = await fetch('/api/videos', { headers: { accept: 'application/json' } });
    if (!response.ok) return null;
    const body: unknown = await response.json();
    const list = Array.isArray(body) ? body : (body as { videos?: unknown }).videos;
    if (!Array.isArray(list)) return null;
    // The server lists videos newest first, each with its id, state and links (links.master: the playlist).
    const ready = list.find(
      (v) =>
        v &&
        typeof v === 'object' &&
        typeof v.id === 'string' &&
        (v.state === undefined || v.state === 'ready'),
    );
    if (!ready) return null;
    const master = ready.links?.master;
    return typeof master === 'string' ? master : `/videos/${encodeURIComponent(ready.id)}/master.m3u8`;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const el = findElements();
  const params = new URLSearchParams(location.search);
  const src = await pickSource(params);
  if (!src) {
    showMessage(el, 'No video to play: open this page with ?video=<id> or ?src=<playlist URL>.', 'warning');
    return;
  }
  const factor = Number(params.get('rate') ?? '1');
  const gpuOff = params.get('webgpu') === '0';
  const player = new Player(
    {
      src,
      canvas: el.canvas,
      resolution: parseResolution(params.get('res')) ?? { mode: 'auto' },
      frameRateFactor: Number.isFinite(factor) && factor >= 0 && factor <= 16 ? factor : 1,
      autoplay: params.get('autoplay') !== '0',
    },
    {
      createDecoder: () => new WorkerDecoder(new URL('./decode-worker.js', import.meta.url)),
      requestGpu: gpuOff
        ? () =>
            Promise.reject(
              new PlayerError({
                type: ErrorTypes.RENDER_ERROR,
                details: ErrorDetails.WEBGPU_UNAVAILABLE,
                message: 'WebGPU turned off by ?webgpu=0',
              }),
            )
        : requestGpu,
    },
  );
  const page: PageHandle = { player, fallback: null, log: [] };
  window.lirn = page;
  const at = () => Math.round(performance.now());
  player.hub.on('stateChange', (e) => page.log.push({ event: 'stateChange', state: e.state, at: at() }));
  player.hub.on('modelSwitch', (e) => page.log.push({ event: 'modelSwitch', to: e.to, t: e.t, at: at() }));
  player.hub.on('error', (e) =>
    page.log.push({ event: 'error', ...e.error.toJSON(), action: e.action, at: at() }),
  );
  player.hub.on('fallback', (e) => page.log.push({ event: 'fallback', reason: e.reason.details, at: at() }));
  bindControls(el, player);
  player.hub.on('error', (e) => {
    const line = `[lirn] ${e.type}/${e.details} → ${e.action}: ${e.error.message}`;
    // A switch to the fallback is expected on browsers without WebGPU: a warning; only a stop is an error.
    if (e.action === 'stop') console.error(line);
    else console.warn(line);
  });

  player.hub.on('fallback', ({ reason, variant, multivariant }) => {
    const why =
      reason.details === ErrorDetails.WEBGPU_UNAVAILABLE
        ? `WebGPU is not available (${reason.message})`
        : reason.message;
    if (!variant || !multivariant) {
      showMessage(el, `${why}, and this video has no H.264 rendition to fall back to.`, 'error');
      return;
    }
    showMessage(el, `${why}. Playing the H.264 rendition through hls.js instead.`, 'warning');
    el.root.dataset.mode = 'fallback';
    el.canvas.hidden = true;
    el.controls.hidden = true;
    el.video.hidden = false;
    el.video.controls = true;
    el.stats.textContent = `H.264 fallback (hls.js)\n${variant.codecs.join(', ')}${variant.width ? `\n${variant.width}×${variant.height}` : ''}`;
    page.fallback = startHlsFallback(el.video, multivariant.url, (e, attempt) =>
      player.handleError(e, attempt),
    );
  });
  await player.load();
}

void main();
