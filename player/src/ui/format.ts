/** Text for the controls and the stats overlay. */
import type { PlayerStats } from '../playback/stats.js';

export function formatTime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) seconds = 0;
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  return `${m}:${s.toFixed(1).padStart(4, '0')}`;
}

export function formatStats(s: PlayerStats): string {
  const rate =
    s.frameRateFactor > 0
      ? `${(s.sourceFps * s.frameRateFactor).toFixed(2)} fps target (${s.frameRateFactor}× source)`
      : 'every display refresh';
  return [
    `render   ${s.renderMs.toFixed(2)} ms/frame (last ${s.lastRenderMs.toFixed(2)})`,
    `fps      ${s.fps} drawn/s, ${rate}`,
    `size     ${s.width}×${s.height}`,
    `bitrate  ${s.bitrateKbps.toFixed(1)} kbit/s loaded${s.declaredKbps > 0 ? `, ${s.declaredKbps.toFixed(0)} declared` : ''}`,
    `buffer   ${s.bufferedAheadS.toFixed(1)} s ahead`,
    `frames   ${s.framesRendered} drawn, ${s.framesDropped} dropped`,
    `gpu      ${s.adapter || '—'}`,
  ].join('\n');
}
