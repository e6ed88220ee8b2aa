/** What the routes share: the library, the job queue, the file cache, the resolved options. */
import { fileURLToPath } from 'node:url';
import { chooseRenderer, chooseTrainEngine, probeRenderer } from '../cli/engines.js';
import { InProcessQueue, type JobQueue, type JobRunner } from './jobs/queue.js';
import { videoJobRunner } from './jobs/video-job.js';
import { FileCache } from './storage/file-cache.js';
import { Library } from './storage/library.js';
import type { EncodeSettings } from './storage/meta.js';
import { EventStreams } from './streams.js';
import { DEFAULT_ENCODE_LIMITS, DEFAULT_ENCODE_SETTINGS, type EncodeLimits } from './upload/options.js';

export interface LirnServerOptions {
  /** The data directory (created if missing). */
  dataDir: string;
  /** Largest accepted upload in bytes (default 2 GiB). */
  maxUploadBytes?: number;
  /** Encode settings used where an upload gives none. */
  encode?: Partial<EncodeSettings>;
  /** Bounds on what an upload may ask for. */
  limits?: Partial<EncodeLimits>;
  /** Training engine: 'auto' (native when its addon loads, else tfjs), 'native' or 'tfjs'. */
  engine?: string;
  /** Renderer for the H.264 fallback. */
  renderer?: 'auto' | 'native' | 'reference';
  /** Make the H.264 fallback rendition (default true). */
  fallback?: boolean;
  /** Jobs run at once by the embedded queue (default 1). */
  concurrency?: number;
  /** Folder of the built player served at `/`; default <repo>/player/dist; null: none. */
  playerDir?: string | null;
  /** In-memory cache of served files. */
  cache?: { maxBytes?: number; maxEntryBytes?: number };
  /** Another queue implementation (e.g. distributed); it is handed the job runner. */
  createQueue?: (runner: JobRunner) => JobQueue;
  /** Called when a job fails or is interrupted (default: logged by the app). */
  onJobError?: (videoId: string, error: unknown) => void;
  /** Re-enqueue unfinished videos when the server starts (default true). */
  resume?: boolean;
}

export interface ServerContext {
  library: Library;
  queue: JobQueue;
  files: FileCache;
  streams: EventStreams;
  maxUploadBytes: number;
  encodeDefaults: EncodeSettings;
  limits: EncodeLimits;
  playerDir: string | null;
}

export const DEFAULT_PLAYER_DIR = fileURLToPath(new URL('../../player/dist', import.meta.url));

export async function createServerContext(options: LirnServerOptions): Promise<ServerContext> {
  const library = await Library.open(options.dataDir);
  const engineName = options.engine ?? 'auto';
  const runner = videoJobRunner({
    library,
    chooseEngine: (config) => chooseTrainEngine(engineName, config),
    renderer: () => chooseRenderer(options.renderer ?? 'auto').factory,
    probeRenderer: () => (options.renderer === 'reference' ? undefined : probeRenderer()),
    fallback: options.fallback,
  });
  const queue =
    options.createQueue?.(runner) ??
    new InProcessQueue(runner, options.concurrency ?? 1, (id, e) => options.onJobError?.(id, e));
  return {
    library,
    queue,
    files: new FileCache(options.cache?.maxBytes, options.cache?.maxEntryBytes),
    streams: new EventStreams(),
    maxUploadBytes: options.maxUploadBytes ?? 2 * 1024 ** 3,
    encodeDefaults: { ...DEFAULT_ENCODE_SETTINGS, ...options.encode },
    limits: { ...DEFAULT_ENCODE_LIMITS, ...options.limits },
    playerDir: options.playerDir === undefined ? DEFAULT_PLAYER_DIR : options.playerDir,
  };
}

/** Enqueues every video whose record says queued or encoding (a restart resumes them). Returns their ids. */
export async function resumePending(context: ServerContext): Promise<string[]> {
  const pending = (await context.library.list()).filter(
    (m) => m.state === 'queued' || m.state === 'encoding',
  );
  pending.sort((a, b) => a.created.localeCompare(b.created));
  for (const m of pending) await context.queue.enqueue(m.id);
  return pending.map((m) => m.id);
}
