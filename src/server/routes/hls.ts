/**
 * HLS resources of a video under /videos/:id/: the multivariant playlist, the Latent-INR media playlist and pieces
 * (lirn/), the H.264 fallback (h264/) and the whole .lirn file. Request paths never reach the file system as given:
 * ids and file names must match fixed forms, and the resolved path must stay inside the data directory.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { isGrowing, lirnMediaPlaylist, multivariantPlaylist, PLAYLIST_TYPE } from '../hls/playlists.js';
import { sendRepresentation } from '../http/send.js';
import { sendText } from '../http/text.js';
import { checkVideoId } from '../storage/ids.js';
import type { VideoMeta } from '../storage/meta.js';
import { resolveFileInside } from '../storage/safe-path.js';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** A growing playlist may change with every finished chunk; a finished one only if the video is deleted. */
export const GROWING_PLAYLIST = 'public, max-age=1';
export const FINISHED_PLAYLIST = 'public, max-age=300';

const LIRN_PIECE = /^(?:init-(?:0|[1-9]\d{0,5})\.mp4|seg-(?:0|[1-9]\d{0,6})\.m4s)$/;
const H264_PIECE = /^(?:init\.mp4|seg-(?:0|[1-9]\d{0,6})\.m4s)$/;

type Params = { id: string; file: string };

function pieceName(file: string, form: RegExp): string {
  if (!form.test(file)) {
    throw new HttpError(
      400,
      'bad-path',
      `${JSON.stringify(file.slice(0, 60))} is not a file name served here`,
    );
  }
  return file;
}

function contentTypeOf(file: string): string {
  if (file.endsWith('.m4s')) return 'video/iso.segment';
  if (file.endsWith('.m3u8')) return PLAYLIST_TYPE;
  return 'video/mp4';
}

async function requirePlayable(ctx: ServerContext, id: string): Promise<VideoMeta> {
  const meta = await ctx.library.require(id);
  if (meta.state === 'failed') {
    throw new HttpError(
      409,
      'not-ready',
      `the encode of ${id} failed: ${meta.error?.message ?? 'unknown error'}`,
      true,
    );
  }
  if (!meta.video)
    throw new HttpError(409, 'not-ready', `${id} is queued; its playlists exist once encoding starts`);
  return meta;
}

async function sendFile(
  ctx: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  parts: string[],
  cacheControl: string,
): Promise<FastifyReply> {
  const { path, stat } = resolveFileInside(ctx.library.root, ...parts);
  const file = await ctx.files.get(path, stat);
  return sendRepresentation(request, reply, {
    body: file.body,
    path: file.path,
    size: file.size,
    etag: file.etag,
    lastModified: file.lastModified,
    contentType: contentTypeOf(parts[parts.length - 1]),
    cacheControl,
  });
}

export async function hlsRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  // Playlists follow the video's record: short caching while it grows, long once finished.
  for (const [path, playlist] of [
    ['/videos/:id/master.m3u8', multivariantPlaylist],
    ['/videos/:id/lirn/media.m3u8', lirnMediaPlaylist],
  ] as const) {
    app.get<{ Params: Params }>(path, async (request, reply) => {
      const meta = await requirePlayable(ctx, checkVideoId(request.params.id));
      return sendText(request, reply, {
        text: playlist(meta),
        contentType: PLAYLIST_TYPE,
        cacheControl: isGrowing(meta) ? GROWING_PLAYLIST : FINISHED_PLAYLIST,
        lastModified: Date.parse(meta.updated),
      });
    });
  }

  // Pieces need no record lookup: they exist only once published, and never change after.
  app.get<{ Params: Params }>('/videos/:id/lirn/:file', async (request, reply) => {
    const id = checkVideoId(request.params.id);
    return sendFile(ctx, request, reply, [id, 'lirn', pieceName(request.params.file, LIRN_PIECE)], IMMUTABLE);
  });

  app.get<{ Params: Params }>('/videos/:id/h264/media.m3u8', async (request, reply) => {
    const id = checkVideoId(request.params.id);
    const meta = await requirePlayable(ctx, id);
    if (meta.state !== 'ready' || !meta.fallback) {
      throw new HttpError(409, 'not-ready', `the H.264 rendition of ${id} is made after the encode`);
    }
    const { path, stat } = resolveFileInside(ctx.library.root, id, 'fallback', 'media.m3u8');
    const file = await ctx.files.get(path, stat);
    return sendText(request, reply, {
      text: file.body ? file.body.toString('utf8') : '',
      contentType: PLAYLIST_TYPE,
      cacheControl: FINISHED_PLAYLIST,
      lastModified: file.lastModified,
    });
  });

  app.get<{ Params: Params }>('/videos/:id/h264/:file', async (request, reply) => {
    const id = checkVideoId(request.params.id);
    return sendFile(
      ctx,
      request,
      reply,
      [id, 'fallback', pieceName(request.params.file, H264_PIECE)],
      IMMUTABLE,
    );
  });

  app.get<{ Params: Params }>('/videos/:id/video.lirn', async (request, reply) => {
    const id = checkVideoId(request.params.id);
    const meta = await ctx.library.require(id);
    if (meta.state !== 'ready') throw new HttpError(409, 'not-ready', `${id} is still ${meta.state}`);
    return sendFile(ctx, request, reply, [id, 'video.lirn'], IMMUTABLE);
  });
}
