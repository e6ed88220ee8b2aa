/** The library API: list, inspect, upload (starting an encode job) and delete videos. */

import { readFile, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { StreamDecoder } from '../../codec/decoder/stream-decoder.js';
import { ContainerError } from '../../container/errors.js';
import { readLirnFile } from '../../container/index.js';
import { probeVideo } from '../../media/decode.js';
import { MediaError } from '../../media/errors.js';
import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { checkVideoId } from '../storage/ids.js';
import { parseUploadOptions } from '../upload/options.js';
import { type ReceivedUpload, receiveUpload } from '../upload/receive.js';
import { SNIFF_BYTES, sniffUpload } from '../upload/sniff.js';
import { videoView } from './view.js';

type IdParams = { id: string };

export async function videoRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const prefix = app.prefix;

  app.get('/api/videos', async (request) => {
    const all = (request.query as Record<string, unknown>).state === 'all';
    const videos = (await ctx.library.list())
      .filter((m) => all || m.state === 'ready' || m.state === 'encoding')
      .sort((a, b) => b.created.localeCompare(a.created));
    return { videos: videos.map((m) => videoView(m, prefix)) };
  });

  app.get<{ Params: IdParams }>('/api/videos/:id', async (request) => {
    return videoView(await ctx.library.require(checkVideoId(request.params.id)), prefix);
  });

  app.delete<{ Params: IdParams }>('/api/videos/:id', async (request, reply) => {
    const id = checkVideoId(request.params.id);
    await ctx.library.require(id);
    await ctx.queue.cancel(id);
    await ctx.library.remove(id);
    ctx.files.forget(`${ctx.library.root}/${id}/`);
    ctx.streams.end('deleted', id);
    return reply.code(204).send();
  });

  // Uploads are raw bodies of any content type, streamed to disk (no body parsing, no body limit from fastify).
  await app.register(async (upload) => {
    upload.removeAllContentTypeParsers();
    upload.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    upload.post('/api/videos', async (request, reply) => {
      const { settings, name } = parseUploadOptions(
        request.query as Record<string, unknown>,
        ctx.encodeDefaults,
        ctx.limits,
      );
      const body = request.body as Readable | undefined;
      if (!body || typeof (body as Readable).pipe !== 'function') {
        throw new HttpError(
          400,
          'not-video',
          'the request has no body: send the video file as the request body',
        );
      }
      const temp = ctx.library.tempPath('upload');
      let received: ReceivedUpload;
      try {
        received = await receiveUpload(body, request.headers, temp, ctx.maxUploadBytes, SNIFF_BYTES);
      } catch (error) {
        // Refused before or while reading: close the connection rather than read the rest of a large body.
        reply.header('connection', 'close');
        throw error;
      }
      try {
        const sniffed = sniffUpload(received.head);
        if (!sniffed) {
          throw new HttpError(
            415,
            'not-video',
            'the upload is not a video container (no known magic number)',
          );
        }
        if (sniffed.kind === 'lirn') {
          try {
            // Parsed, and its chunks cover every frame (what a decoder needs before anything is published).
            new StreamDecoder(readLirnFile(new Uint8Array(await readFile(received.path))));
          } catch (e) {
            if (e instanceof ContainerError)
              throw new HttpError(422, 'bad-lirn', `malformed .lirn upload: ${e.message}`);
            throw e;
          }
        } else {
          try {
            const info = await probeVideo(received.path);
            const limit = ctx.limits.maxDimension;
            if (!settings.width && (info.width > limit || info.height > limit)) {
              throw new HttpError(
                422,
                'bad-option',
                `the video is ${info.width}x${info.height}; pass size=WxH with both sides ≤ ${limit}`,
              );
            }
          } catch (e) {
            if (e instanceof MediaError) {
              throw new HttpError(
                415,
                'not-video',
                `the upload is not a readable video (${e.details}): ${e.message.replace(received.path, 'upload')}`,
              );
            }
            throw e;
          }
        }
        const meta = await ctx.library.create({
          upload: received.path,
          kind: sniffed.kind,
          format: sniffed.format,
          bytes: received.bytes,
          name,
          settings,
        });
        await ctx.queue.enqueue(meta.id);
        const view = videoView(meta, prefix);
        return reply.code(202).header('location', view.links.self).send(view);
      } finally {
        await rm(received.path, { force: true });
      }
    });
  });
}
