/**
 * `GET /api/videos/:id/events`: a video's job as Server-Sent Events. First a `snapshot` (the video's JSON), then
 * `progress`, `published` (a chunk's pieces are out: the growing playlist has more) and `state` events; the stream
 * ends after the state becomes ready or failed, or with an `end` event when the video is deleted or the server
 * stops. A comment line every 15 s keeps proxies from closing it.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import type { JobEvent } from '../jobs/queue.js';
import { checkVideoId } from '../storage/ids.js';
import type { VideoMeta } from '../storage/meta.js';
import { videoView } from './view.js';

const HEARTBEAT_MS = 15_000;

export async function eventRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get<{ Params: { id: string } }>('/api/videos/:id/events', async (request, reply) => {
    const id = checkVideoId(request.params.id);
    await ctx.library.require(id);
    const buffered: JobEvent[] = [];
    let write: ((e: JobEvent) => void) | null = null;
    const unsubscribe = ctx.queue.subscribe(id, (e) => (write ? write(e) : buffered.push(e)));
    let meta: VideoMeta;
    try {
      meta = await ctx.library.require(id);
    } catch (e) {
      unsubscribe();
      throw e;
    }

    reply.hijack();
    const raw = reply.raw;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = String(v);
    raw.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const send = (event: string, data: unknown) =>
      raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    let ended = false;
    const heartbeat = setInterval(() => raw.write(': ping\n\n'), HEARTBEAT_MS);
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      unsubscribe();
      forget();
      raw.end();
    };
    const forget = ctx.streams.add(id, (reason) => {
      if (!ended) send('end', { reason });
      end();
    });
    // The response's close, not the request's: an IncomingMessage closes as soon as its (empty) body is read.
    raw.on('close', end);

    send('snapshot', videoView(meta, app.prefix));
    if (meta.state === 'ready' || meta.state === 'failed') {
      send('state', { state: meta.state, ...(meta.error ? { message: meta.error.message } : {}) });
      end();
      return;
    }
    write = (e) => {
      if (ended) return;
      if (e.type === 'progress') send('progress', e.progress);
      else if (e.type === 'published') send('published', { chunk: e.chunk, segments: e.segments });
      else {
        send('state', { state: e.state, ...(e.message ? { message: e.message } : {}) });
        if (e.state === 'ready' || e.state === 'failed') end();
      }
    };
    for (const e of buffered.splice(0)) write(e);
  });
}
