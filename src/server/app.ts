/**
 * The streaming server as a fastify plugin (encapsulated: its error handling, CORS and routes stay inside it, so it
 * can be mounted under a prefix of another app) and `buildServer`, a fastify instance with the plugin at `/`.
 */
import cors from '@fastify/cors';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyServerOptions,
} from 'fastify';
import { createServerContext, type LirnServerOptions, resumePending, type ServerContext } from './context.js';
import { HttpError } from './errors.js';
import { eventRoutes } from './routes/events.js';
import { hlsRoutes } from './routes/hls.js';
import { playerRoutes } from './routes/player.js';
import { searchRoutes } from './routes/search.js';
import { videoRoutes } from './routes/videos.js';

export interface LirnPluginOptions extends LirnServerOptions {
  /** A context made beforehand (buildServer passes its own so callers can reach the library and the queue). */
  context?: ServerContext;
}

/** Fields of a success response that must not describe an error body. */
const REPRESENTATION_FIELDS = ['etag', 'last-modified', 'accept-ranges', 'content-encoding', 'vary'];

function asHttpError(error: FastifyError | Error): HttpError {
  if (error instanceof HttpError) return error;
  const status = (error as FastifyError).statusCode;
  if (status === 413) return new HttpError(413, 'too-large', error.message);
  if (status === 415) return new HttpError(415, 'not-video', error.message);
  if (status === 404) return new HttpError(404, 'not-found', error.message);
  if (status && status >= 400 && status < 500) return new HttpError(status, 'bad-option', error.message);
  return new HttpError(500, 'internal', 'internal server error', false);
}

export const lirnServer: FastifyPluginAsync<LirnPluginOptions> = async (app, options) => {
  const ctx =
    options.context ??
    (await createServerContext({
      ...options,
      onJobError:
        options.onJobError ?? ((id, error) => app.log.warn({ video: id, err: error }, 'encode job stopped')),
    }));

  await app.register(cors, {
    origin: '*',
    methods: ['GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS'],
    exposedHeaders: ['Content-Length', 'Content-Range', 'Accept-Ranges', 'ETag', 'Last-Modified', 'Location'],
    maxAge: 86400,
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const e = asHttpError(error);
    if (e.status >= 500) request.log.error({ err: error }, 'request failed');
    for (const field of REPRESENTATION_FIELDS) reply.removeHeader(field);
    reply
      .code(e.status)
      .header('cache-control', 'no-store')
      .type('application/json; charset=utf-8')
      .send(e.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    const e = new HttpError(404, 'not-found', `no route for ${request.method} ${request.url.slice(0, 200)}`);
    reply
      .code(404)
      .header('cache-control', 'no-store')
      .type('application/json; charset=utf-8')
      .send(e.toJSON());
  });

  await videoRoutes(app, ctx);
  await eventRoutes(app, ctx);
  await hlsRoutes(app, ctx);
  await searchRoutes(app, ctx);
  await playerRoutes(app, ctx.playerDir);

  app.addHook('onReady', async () => {
    if (options.resume !== false) await resumePending(ctx);
  });
  // Before the HTTP server stops waiting for connections: open event streams would hold it forever.
  app.addHook('preClose', async () => {
    ctx.streams.end('shutdown');
  });
  app.addHook('onClose', async () => {
    await ctx.queue.close();
  });
};

export type LirnFastify = FastifyInstance & { lirn: ServerContext };

export async function buildServer(
  options: LirnServerOptions & { fastify?: FastifyServerOptions },
): Promise<LirnFastify> {
  const app = Fastify({ logger: false, ...options.fastify });
  const context = await createServerContext({
    ...options,
    onJobError:
      options.onJobError ?? ((id, error) => app.log.warn({ video: id, err: error }, 'encode job stopped')),
  });
  app.decorate('lirn', context);
  await app.register(lirnServer, { ...options, context });
  return app as unknown as LirnFastify;
}
