/** The streaming server (Node only): fastify plugin, server builder, job queue interface. */
export { buildServer, type LirnFastify, type LirnPluginOptions, lirnServer } from './app.js';
export { createServerContext, type LirnServerOptions, resumePending, type ServerContext } from './context.js';
export { HttpError, type HttpErrorDetails } from './errors.js';
export {
  InProcessQueue,
  type JobContext,
  type JobEvent,
  type JobQueue,
  type JobRunner,
} from './jobs/queue.js';
export { Library } from './storage/library.js';
export type { EncodeSettings, VideoMeta, VideoState } from './storage/meta.js';
