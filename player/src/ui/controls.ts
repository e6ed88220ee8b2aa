/** The control bar and overlays, bound to a Player through its public API and events only. */
import type { Player, PlayerState } from '../playback/player.js';
import { formatResolution, parseResolution } from '../playback/resolution.js';
import { formatStats, formatTime } from './format.js';

export interface PlayerElements {
  root: HTMLElement;
  canvas: HTMLCanvasElement;
  video: HTMLVideoElement;
  message: HTMLElement;
  stats: HTMLElement;
  controls: HTMLElement;
  play: HTMLButtonElement;
  seek: HTMLInputElement;
  time: HTMLElement;
  resolution: HTMLSelectElement;
  rate: HTMLSelectElement;
  showStats: HTMLInputElement;
}

export function findElements(doc: Document = document): PlayerElements {
  const get = <T extends HTMLElement>(id: string): T => {
    const el = doc.getElementById(id);
    if (!el) throw new Error(`player page is missing #${id}`);
    return el as T;
  };
  return {
    root: get('player'),
    canvas: get('screen'),
    video: get('fallback'),
    message: get('message'),
    stats: get('stats'),
    controls: get('controls'),
    play: get('play'),
    seek: get('seek'),
    time: get('time'),
    resolution: get('resolution'),
    rate: get('rate'),
    showStats: get('show-stats'),
  };
}

export function showMessage(
  el: PlayerElements,
  text: string,
  kind: 'info' | 'warning' | 'error' = 'info',
): void {
  el.message.textContent = text;
  el.message.dataset.kind = kind;
  el.message.hidden = false;
}

export function bindControls(el: PlayerElements, player: Player): void {
  let dragging = false;
  const playing = (s: PlayerState) => s === 'playing' || s === 'buffering';
  const refreshButton = () => {
    const on = playing(player.state);
    el.play.textContent = on ? '❚❚' : '▶';
    el.play.setAttribute('aria-label', on ? 'Pause' : 'Play');
  };
  el.play.addEventListener('click', () => (playing(player.state) ? player.pause() : player.play()));
  el.seek.addEventListener('input', () => {
    dragging = true;
    player.seek((Number(el.seek.value) / Number(el.seek.max)) * player.duration);
  });
  el.seek.addEventListener('change', () => {
    dragging = false;
  });
  const current = formatResolution(player.resolutionChoice);
  if (![...el.resolution.options].some((o) => o.value === current))
    el.resolution.add(new Option(current, current));
  el.resolution.value = current;
  el.resolution.addEventListener('change', () => {
    const choice = parseResolution(el.resolution.value);
    if (choice) player.setResolution(choice);
  });
  el.rate.value = String(player.frameRateFactor);
  el.rate.addEventListener('change', () => player.setFrameRateFactor(Number(el.rate.value)));
  el.showStats.addEventListener('change', () => {
    el.stats.hidden = !el.showStats.checked;
  });
  el.root.addEventListener('keydown', (e) => {
    if (e.key === ' ' && e.target === el.root) {
      e.preventDefault();
      el.play.click();
    }
  });

  player.hub.on('stateChange', ({ state }) => {
    refreshButton();
    el.root.dataset.state = state;
    if (state === 'buffering') showMessage(el, 'Buffering…');
    else if (state !== 'error' && state !== 'fallback') el.message.hidden = true;
  });
  player.hub.on('stats', (s) => {
    el.stats.textContent = formatStats(s);
    if (!dragging && player.duration > 0)
      el.seek.value = String(Math.round((player.currentTime / player.duration) * Number(el.seek.max)));
    el.time.textContent = `${formatTime(player.currentTime)} / ${formatTime(player.duration)}`;
  });
  player.hub.on('error', (e) => {
    if (e.action === 'stop' && e.fatal) showMessage(el, `Playback stopped: ${e.error.message}`, 'error');
  });
  refreshButton();
}
