/** The public JSON of a video: its record minus internal file names, plus links relative to the app's prefix. */
import type { VideoMeta } from '../storage/meta.js';

export function videoView(meta: VideoMeta, prefix: string) {
  const base = `${prefix}/videos/${meta.id}`;
  const { source, ...rest } = meta;
  return {
    ...rest,
    source: { kind: source.kind, bytes: source.bytes, format: source.format },
    links: {
      self: `${prefix}/api/videos/${meta.id}`,
      events: `${prefix}/api/videos/${meta.id}/events`,
      master: `${base}/master.m3u8`,
      lirn: `${base}/lirn/media.m3u8`,
      ...(meta.state === 'ready' ? { file: `${base}/video.lirn` } : {}),
      ...(meta.fallback && meta.state === 'ready' ? { h264: `${base}/h264/media.m3u8` } : {}),
    },
  };
}
