/**
 * Main-thread side of the decode worker (`WorkerDecoder`), and `InlineDecoder`, the same work in-process (Node
 * tests, or a page without module workers). Both reject with `DecodeFailure` for bad bytes and with a
 * PlayerError (workerError) when the worker itself dies.
 */
import { ErrorDetails, ErrorTypes, PlayerError } from '../core/errors.js';
import { DecoderCore } from './decoder-core.js';
import { type DecodeRequest, type DecodeResponse, type SerializedError, serializeError } from './protocol.js';
import type { DecodedChunk, DecodedLatents, SegmentDecoder } from './types.js';

/** The bitstream modules rejected a piece; `fields` carries ContainerError/ModelError details. */
export class DecodeFailure extends Error {
  override readonly name = 'DecodeFailure';
  constructor(readonly original: SerializedError) {
    super(`${original.name}: ${original.message}`);
  }
}

type Pending = { resolve: (r: DecodeResponse) => void; reject: (e: unknown) => void };

type RequestBody =
  | { op: 'init'; key: string; bytes: Uint8Array }
  | { op: 'segment'; key: string; bytes: Uint8Array }
  | { op: 'release'; key: string };

export class WorkerDecoder implements SegmentDecoder {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private dead: PlayerError | null = null;

  constructor(workerUrl: URL | string) {
    this.worker = new Worker(workerUrl, { type: 'module', name: 'lirn-decode' });
    this.worker.onmessage = (e: MessageEvent<DecodeResponse>) => {
      const p = this.pending.get(e.data.id);
      if (!p) return;
      this.pending.delete(e.data.id);
      p.resolve(e.data);
    };
    this.worker.onerror = (e: ErrorEvent) =>
      this.fail(`decode worker crashed: ${e.message || 'unknown error'}`);
    this.worker.onmessageerror = () => this.fail('decode worker sent a message that could not be read');
  }

  private fail(message: string): void {
    this.dead = new PlayerError({
      type: ErrorTypes.OTHER_ERROR,
      details: ErrorDetails.WORKER_ERROR,
      message,
    });
    for (const p of this.pending.values()) p.reject(this.dead);
    this.pending.clear();
    this.worker.terminate();
  }

  private request(body: RequestBody): Promise<DecodeResponse> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    const message = { id, ...body } as DecodeRequest;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // The bytes are copied (not transferred): the loader may still hold them for a retry.
      this.worker.postMessage(message);
    });
  }

  async decodeInit(key: string, bytes: Uint8Array): Promise<DecodedChunk> {
    const r = await this.request({ op: 'init', key, bytes });
    if (!r.ok) throw new DecodeFailure(r.error);
    if (!('chunk' in r))
      throw new DecodeFailure({ name: 'Error', message: 'unexpected worker reply', fields: {} });
    return r.chunk;
  }

  async decodeSegment(key: string, bytes: Uint8Array): Promise<DecodedLatents> {
    const r = await this.request({ op: 'segment', key, bytes });
    if (!r.ok) throw new DecodeFailure(r.error);
    if (!('latents' in r))
      throw new DecodeFailure({ name: 'Error', message: 'unexpected worker reply', fields: {} });
    return r.latents;
  }

  release(key: string): void {
    if (!this.dead) void this.request({ op: 'release', key }).catch(() => undefined);
  }

  dispose(): void {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error('decoder disposed'));
    this.pending.clear();
  }
}

export class InlineDecoder implements SegmentDecoder {
  private readonly core = new DecoderCore();

  async decodeInit(key: string, bytes: Uint8Array): Promise<DecodedChunk> {
    try {
      return this.core.decodeInit(key, bytes);
    } catch (error) {
      throw new DecodeFailure(serializeError(error));
    }
  }

  async decodeSegment(key: string, bytes: Uint8Array): Promise<DecodedLatents> {
    try {
      return this.core.decodeSegment(key, bytes);
    } catch (error) {
      throw new DecodeFailure(serializeError(error));
    }
  }

  release(key: string): void {
    this.core.release(key);
  }

  dispose(): void {}
}
