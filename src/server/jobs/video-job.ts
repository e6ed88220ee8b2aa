/**
 * One video's job: encode the upload (publishing each chunk's HLS pieces as it finishes), write `video.lirn`,
 * publish the whole file, make the H.264 fallback, then mark the video ready and drop the source and encoder state.
 * An uploaded `.lirn` skips training. Every step is redone or skipped safely after an interruption: an existing
 * `video.lirn` means the encode is done; pieces are write-once; the encoder resumes from its checkpoints.
 */
import { access, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RendererFactory } from '../../codec/decoder/stream-decoder.js';
import { StreamDecoder } from '../../codec/decoder/stream-decoder.js';
import type { EngineFactory } from '../../codec/engine/types.js';
import type { ModelConfig } from '../../codec/model/config.js';
import { readLirnFile, writeLirnFile } from '../../container/index.js';
import type { LirnFile } from '../../container/lirn-file.js';
import { writeFileAtomic } from '../../media/files.js';
import { makeFallback } from '../hls/fallback.js';
import { publishChunk } from '../hls/pieces.js';
import type { Library } from '../storage/library.js';
import type { Progress, VideoInfoMeta, VideoMeta } from '../storage/meta.js';
import { encodeWithLiveChunks } from './live-encode.js';
import type { JobContext, JobRunner } from './queue.js';

export interface VideoJobOptions {
  library: Library;
  chooseEngine: (config: ModelConfig) => Promise<EngineFactory>;
  renderer: () => RendererFactory;
  /** Renders the encoder's rd allocation probes (EncodeOptions.renderer); undefined: small reference probes. */
  probeRenderer?: () => RendererFactory | undefined;
  /** Make the H.264 rendition (default true). */
  fallback?: boolean;
  /** Minimum milliseconds between progress writes to meta.json (events are sent every time). */
  persistEveryMs?: number;
}

const SCAN = 0.05;
const TRAIN_END = 0.9;

function reduce(num: number, den: number): { num: number; den: number } {
  let a = num;
  let b = den;
  while (b) [a, b] = [b, a % b];
  return { num: num / a, den: den / a };
}

export function videoInfoOf(file: LirnFile): VideoInfoMeta {
  return {
    width: file.displayWidth,
    height: file.displayHeight,
    frameCount: file.frameCount,
    fps: reduce(file.timescale, file.sampleDuration),
    timescale: file.timescale,
    sampleDuration: file.sampleDuration,
  };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

export function videoJobRunner(options: VideoJobOptions): JobRunner {
  const { library } = options;
  const persistEveryMs = options.persistEveryMs ?? 1000;

  return async (id: string, context: JobContext) => {
    const { signal, emit } = context;
    let meta = await library.require(id);
    if (meta.state === 'ready') return;
    const dir = library.dir(id);
    const lirnPath = join(dir, 'video.lirn');
    const piecesDir = join(dir, 'lirn');
    let lastPersist = 0;
    let resumedChunks = 0;
    let plannedChunks = 1;

    // Never rejects: a progress record that cannot be written (the video was just deleted) must not fail the job.
    // Publishing a chunk overlaps the next chunk's training, so reports can arrive out of order: keep the bar monotone.
    let highest = 0;
    const progress = async (report: Progress, persist = false) => {
      highest = Math.max(highest, report.fraction);
      const p = { ...report, fraction: highest };
      emit({ type: 'progress', progress: p });
      const now = Date.now();
      if (persist || now - lastPersist >= persistEveryMs) {
        lastPersist = now;
        meta = await library
          .update(id, (m) => {
            m.progress = p;
          })
          .catch(() => meta);
      }
    };
    const recordChunk = async (file: LirnFile, k: number) => {
      const published = await publishChunk(piecesDir, file, k);
      meta = await library.update(id, (m) => {
        if (m.lirn.initBytes.length > k) return;
        m.lirn.initBytes[k] = published.initBytes;
        m.lirn.segments.push(...published.segments);
      });
      emit({ type: 'published', chunk: k, segments: meta.lirn.segments.length });
    };

    try {
      meta = await library.update(id, (m) => {
        m.state = 'encoding';
        delete m.error;
      });
      emit({ type: 'state', state: 'encoding' });

      let file: LirnFile;
      if (await exists(lirnPath)) {
        file = readLirnFile(new Uint8Array(await readFile(lirnPath)));
      } else if (meta.source.kind === 'lirn') {
        const source = join(dir, meta.source.file);
        file = readLirnFile(new Uint8Array(await readFile(source)));
        new StreamDecoder(file); // checks the chunks cover the frames before anything is published
        await rename(source, lirnPath);
      } else {
        file = await encodeWithLiveChunks({
          input: join(dir, meta.source.file),
          settings: meta.settings,
          workDir: join(dir, 'work'),
          chooseEngine: options.chooseEngine,
          renderer: options.probeRenderer?.(),
          signal,
          onStart: async (source) => {
            meta = await library.update(id, (m) => {
              const { fps, ...rest } = source;
              m.video = { ...rest, fps: reduce(fps.num, fps.den) };
            });
          },
          onEvent: (e) => {
            if (e.phase === 'scan') void progress({ phase: 'scan', fraction: (SCAN * e.frame) / e.frames });
            else if (e.phase === 'plan') {
              plannedChunks = e.plan.chunks.length;
              void library
                .update(id, (m) => {
                  m.lirn.chunks = e.plan.chunks.length;
                })
                .catch(() => undefined);
            } else if (e.phase === 'train') {
              const fraction =
                SCAN + ((TRAIN_END - SCAN) * (e.chunk + e.iteration / e.iterations)) / e.chunks;
              void progress({
                phase: 'train',
                fraction,
                chunk: e.chunk,
                chunks: e.chunks,
                iteration: e.iteration,
                iterations: e.iterations,
                psnr: Number.isFinite(e.psnr) ? Number(e.psnr.toFixed(2)) : undefined,
                etaMs: Math.round(e.etaMs),
                resumedChunks,
              });
            } else if (e.phase === 'chunk-done' && e.resumed) resumedChunks++;
          },
          onChunk: async (partial, k) => {
            await recordChunk(partial, k);
            await progress(
              {
                phase: 'train',
                fraction: SCAN + ((TRAIN_END - SCAN) * (k + 1)) / plannedChunks,
                chunk: k,
                resumedChunks,
              },
              true,
            );
          },
        });
        await writeFileAtomic(lirnPath, writeLirnFile(file));
      }

      meta = await library.update(id, (m) => {
        m.video ??= videoInfoOf(file);
        m.lirn.chunks = file.chunks.length;
      });
      for (let k = 0; k < file.chunks.length; k++) {
        if (meta.lirn.initBytes.length <= k) await recordChunk(file, k);
        else await publishChunk(piecesDir, file, k); // already listed: re-check the bytes are the same
      }

      let fallback: VideoMeta['fallback'];
      if (options.fallback !== false) {
        await progress({ phase: 'fallback', fraction: TRAIN_END, resumedChunks }, true);
        fallback = await makeFallback({
          file,
          dir: join(dir, 'fallback'),
          stagingDir: library.tempPath(`fallback-${id}`),
          stagingMp4: `${library.tempPath(`fallback-${id}`)}.mp4`,
          segmentSeconds: meta.settings.segmentSeconds,
          renderer: options.renderer(),
          signal,
          onFrame: (done, total) => {
            if (done % 8 === 0 || done === total) {
              void progress({
                phase: 'fallback',
                fraction: TRAIN_END + ((1 - TRAIN_END) * done) / total,
                resumedChunks,
              });
            }
          },
        });
      }
      const bytes = (await readFile(lirnPath)).length;
      meta = await library.update(id, (m) => {
        m.state = 'ready';
        m.progress = { phase: 'done', fraction: 1, resumedChunks };
        m.lirn.fileBytes = bytes;
        if (fallback) m.fallback = fallback;
      });
      await rm(join(dir, meta.source.file), { force: true });
      await rm(join(dir, 'work'), { recursive: true, force: true });
      emit({ type: 'progress', progress: meta.progress });
      emit({ type: 'state', state: 'ready' });
    } catch (error) {
      if (signal.aborted) throw error; // interrupted: the video stays queued/encoding and resumes later
      const e = error as Error & { type?: string; details?: string };
      const record = {
        type: e.type ?? e.name ?? 'error',
        details: e.details ?? 'internal',
        message: e.message,
      };
      await library
        .update(id, (m) => {
          m.state = 'failed';
          m.error = record;
        })
        .catch(() => undefined);
      emit({ type: 'state', state: 'failed', message: record.message });
      throw error;
    }
  };
}
