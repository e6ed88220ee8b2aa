/**
 * HLS playlists (RFC 8216 / draft-pantos-hls-rfc8216bis) of a video record. Pure text from `VideoMeta`.
 *
 * - Multivariant: the Latent-INR rendition (CODECS="lirn", the sample entry's four-character code; RESOLUTION is
 *   the size the models were trained at, and X-LIRN-ANY-RESOLUTION=YES tells a Latent-INR player that it may
 *   render any size — clients ignore attributes they do not know) and, once made, the H.264 fallback.
 * - Latent-INR media playlist: an EXT-X-MAP before the first segment of every chunk (a new model = a new init
 *   segment). No EXT-X-DISCONTINUITY: the track, the file format and the timestamps (tfdt) continue across chunks;
 *   only the sample entry changes, which is what a new EXT-X-MAP announces. While encoding, the playlist is an
 *   EVENT playlist listing the finished chunks only (segments are only ever appended); when done it is VOD with
 *   EXT-X-ENDLIST.
 */
import type { VideoMeta } from '../storage/meta.js';

export const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';
export const LIRN_PLAYLIST = 'lirn/media.m3u8';
export const FALLBACK_PLAYLIST = 'h264/media.m3u8';

function secondsOf(meta: VideoMeta, frames: number): number {
  const v = meta.video!;
  return (frames * v.sampleDuration) / v.timescale;
}

/** EXTINF durations are decimal seconds; 6 decimals keep 1001-based rates exact enough for any client. */
function decimal(x: number): string {
  return x.toFixed(6).replace(/0+$/, '').replace(/\.$/, '.0');
}

export function isGrowing(meta: VideoMeta): boolean {
  return meta.state !== 'ready';
}

/** Peak and average bit rate of the latent rendition (each chunk's init counted with its first segment). */
export function lirnBitrates(meta: VideoMeta): { peak: number; average: number } {
  let peak = 0;
  let bytes = 0;
  let seconds = 0;
  let lastChunk = -1;
  for (const seg of meta.lirn.segments) {
    const init = seg.chunk !== lastChunk ? (meta.lirn.initBytes[seg.chunk] ?? 0) : 0;
    lastChunk = seg.chunk;
    const d = secondsOf(meta, seg.frames);
    peak = Math.max(peak, ((seg.bytes + init) * 8) / d);
    bytes += seg.bytes + init;
    seconds += d;
  }
  return { peak: Math.ceil(peak) || 1, average: seconds > 0 ? Math.ceil((bytes * 8) / seconds) : 1 };
}

function frameRate(meta: VideoMeta): string {
  const v = meta.video!;
  return (v.timescale / v.sampleDuration).toFixed(3);
}

export function multivariantPlaylist(meta: VideoMeta): string {
  const v = meta.video;
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS'];
  if (v) {
    const lirn = lirnBitrates(meta);
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${lirn.peak},AVERAGE-BANDWIDTH=${lirn.average},CODECS="lirn",` +
        `RESOLUTION=${v.width}x${v.height},FRAME-RATE=${frameRate(meta)},X-LIRN-ANY-RESOLUTION=YES`,
      LIRN_PLAYLIST,
    );
    const f = meta.fallback;
    if (f && meta.state === 'ready') {
      lines.push(
        `#EXT-X-STREAM-INF:BANDWIDTH=${f.peakBitrate},AVERAGE-BANDWIDTH=${f.averageBitrate},CODECS="${f.codecs}",` +
          `RESOLUTION=${f.width}x${f.height},FRAME-RATE=${frameRate(meta)}`,
        FALLBACK_PLAYLIST,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export function lirnMediaPlaylist(meta: VideoMeta): string {
  const segments = meta.lirn.segments;
  const durations = segments.map((s) => secondsOf(meta, s.frames));
  const target = Math.max(
    1,
    Math.round(meta.settings.segmentSeconds),
    ...durations.map((d) => Math.round(d)),
  );
  const growing = isGrowing(meta);
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${target}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    `#EXT-X-PLAYLIST-TYPE:${growing ? 'EVENT' : 'VOD'}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  let chunk = -1;
  segments.forEach((seg, i) => {
    if (seg.chunk !== chunk) {
      chunk = seg.chunk;
      lines.push(`#EXT-X-MAP:URI="init-${chunk}.mp4"`);
    }
    lines.push(`#EXTINF:${decimal(durations[i])},`, `seg-${i}.m4s`);
  });
  if (!growing) lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}
