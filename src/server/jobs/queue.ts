/**
 * Encode jobs behind one interface, so that a distributed queue (BullMQ on Redis with worker machines, progress
 * over pub/sub) can replace the embedded one. A job is identified by its video id; its state lives in the video's
 * meta.json, so whichever queue runs it, a restarted server re-enqueues unfinished videos (resumePending).
 */
import type { Progress, VideoState } from '../storage/meta.js';

export type JobEvent =
  | { type: 'progress'; progress: Progress }
  | { type: 'state'; state: VideoState; message?: string }
  | { type: 'published'; chunk: number; segments: number };

export interface JobContext {
  signal: AbortSignal;
  emit(event: JobEvent): void;
}

/** Runs one video's job to the end; throws on failure. When `signal` aborts it stops early, resumable later. */
export type JobRunner = (videoId: string, context: JobContext) => Promise<void>;

export interface JobQueue {
  /** Queues the video's job; a no-op while it is already queued or running. */
  enqueue(videoId: string): Promise<void>;
  /** Removes a queued job or stops a running one; resolves once it no longer runs. */
  cancel(videoId: string): Promise<void>;
  /** Events of one video's job; returns the unsubscribe function. */
  subscribe(videoId: string, listener: (event: JobEvent) => void): () => void;
  /** Resolves when nothing is queued or running. */
  idle(): Promise<void>;
  /** Accepts no more jobs and interrupts running ones (they resume on the next start); resolves when they stopped. */
  close(): Promise<void>;
}

/** The embedded queue: jobs run in this process, `concurrency` at a time (default 1: training uses every core). */
export class InProcessQueue implements JobQueue {
  private readonly waiting: string[] = [];
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private readonly listeners = new Map<string, Set<(event: JobEvent) => void>>();
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly runner: JobRunner,
    private readonly concurrency = 1,
    private readonly onError: (videoId: string, error: unknown) => void = () => {},
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError(`concurrency must be ≥ 1, got ${concurrency}`);
  }

  async enqueue(videoId: string): Promise<void> {
    if (this.closed) throw new Error('the job queue is closed');
    if (this.waiting.includes(videoId) || this.running.has(videoId)) return;
    this.waiting.push(videoId);
    this.pump();
  }

  async cancel(videoId: string): Promise<void> {
    const i = this.waiting.indexOf(videoId);
    if (i >= 0) this.waiting.splice(i, 1);
    const job = this.running.get(videoId);
    if (job) {
      job.controller.abort();
      await job.done;
    }
    this.settleIdle();
  }

  subscribe(videoId: string, listener: (event: JobEvent) => void): () => void {
    let set = this.listeners.get(videoId);
    if (!set) {
      set = new Set();
      this.listeners.set(videoId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(videoId) === set) this.listeners.delete(videoId);
    };
  }

  idle(): Promise<void> {
    if (this.waiting.length === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    const jobs = [...this.running.values()];
    for (const job of jobs) job.controller.abort();
    await Promise.all(jobs.map((j) => j.done));
    this.settleIdle();
  }

  private emit(videoId: string, event: JobEvent): void {
    for (const listener of this.listeners.get(videoId) ?? []) {
      try {
        listener(event);
      } catch {
        // A failing subscriber (a closed SSE stream) must not break the job.
      }
    }
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.concurrency && this.waiting.length > 0) {
      const videoId = this.waiting.shift()!;
      const controller = new AbortController();
      const done = this.runner(videoId, { signal: controller.signal, emit: (e) => this.emit(videoId, e) })
        .catch((error) => this.onError(videoId, error))
        .finally(() => {
          this.running.delete(videoId);
          this.pump();
          this.settleIdle();
        });
      this.running.set(videoId, { controller, done });
    }
  }

  private settleIdle(): void {
    if (this.waiting.length > 0 || this.running.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
