/**
 * Byte loading over HTTP with a timeout, an abort signal, an optional byte range and a size limit, failing with
 * typed network errors. The loader takes any `Fetcher`, so tests can serve bytes from memory.
 */
import { type ErrorDetail, ErrorDetails, ErrorTypes, PlayerError } from '../core/errors.js';
import type { ByteRange } from './playlist.js';

export type RequestKind = 'manifest' | 'level' | 'init' | 'fragment';

export interface FetchRequest {
  kind: RequestKind;
  url: string;
  byteRange?: ByteRange;
  timeoutMs: number;
  /** Largest response accepted; larger ones fail before being read. */
  maxBytes: number;
  signal?: AbortSignal;
  /** Media sequence number, for error reports. */
  sn?: number;
}

export type Fetcher = (request: FetchRequest) => Promise<Uint8Array>;

const LOAD_ERROR: Record<RequestKind, ErrorDetail> = {
  manifest: ErrorDetails.MANIFEST_LOAD_ERROR,
  level: ErrorDetails.LEVEL_LOAD_ERROR,
  init: ErrorDetails.INIT_LOAD_ERROR,
  fragment: ErrorDetails.FRAG_LOAD_ERROR,
};
const TIMEOUT: Record<RequestKind, ErrorDetail> = {
  manifest: ErrorDetails.MANIFEST_LOAD_TIMEOUT,
  level: ErrorDetails.LEVEL_LOAD_TIMEOUT,
  init: ErrorDetails.INIT_LOAD_TIMEOUT,
  fragment: ErrorDetails.FRAG_LOAD_TIMEOUT,
};

export function loadError(
  request: FetchRequest,
  message: string,
  httpStatus = 0,
  cause?: unknown,
): PlayerError {
  return new PlayerError({
    type: ErrorTypes.NETWORK_ERROR,
    details: LOAD_ERROR[request.kind],
    message: `${request.kind} ${request.url}: ${message}`,
    url: request.url,
    sn: request.sn,
    httpStatus,
    cause,
  });
}

export function timeoutError(request: FetchRequest): PlayerError {
  return new PlayerError({
    type: ErrorTypes.NETWORK_ERROR,
    details: TIMEOUT[request.kind],
    message: `${request.kind} ${request.url}: no complete response within ${request.timeoutMs} ms`,
    url: request.url,
    sn: request.sn,
  });
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

export function abortError(): Error {
  const e = new Error('the request was aborted');
  e.name = 'AbortError';
  return e;
}

/** A Fetcher over the Fetch API (`fetchImpl` defaults to the global fetch). */
export function createHttpFetcher(fetchImpl: typeof fetch = (...args) => globalThis.fetch(...args)): Fetcher {
  return async (request) => {
    if (request.signal?.aborted) throw abortError();
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, request.timeoutMs);
    const onAbort = () => controller.abort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const headers: Record<string, string> = {};
      const range = request.byteRange;
      if (range) headers.Range = `bytes=${range.offset}-${range.offset + range.length - 1}`;
      let response: Response;
      try {
        response = await fetchImpl(request.url, { headers, signal: controller.signal });
      } catch (error) {
        throw error instanceof Error && error.name === 'AbortError'
          ? error
          : loadError(request, String(error), 0, error);
      }
      if (!response.ok)
        throw loadError(request, `HTTP ${response.status} ${response.statusText}`.trim(), response.status);
      if (range && response.status !== 206) {
        throw loadError(
          request,
          `asked for bytes ${range.offset}+${range.length}, got status ${response.status} instead of 206`,
          response.status,
        );
      }
      const declared = Number(response.headers.get('content-length') ?? Number.NaN);
      if (declared > request.maxBytes) {
        throw loadError(
          request,
          `response of ${declared} bytes exceeds the ${request.maxBytes}-byte limit`,
          response.status,
        );
      }
      return await readLimited(response, request);
    } catch (error) {
      if (timedOut) throw timeoutError(request);
      if (request.signal?.aborted) throw abortError();
      throw error;
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }
  };
}

/** Reads the body chunk by chunk so a lying or missing Content-Length cannot make us buffer unbounded bytes. */
async function readLimited(response: Response, request: FetchRequest): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > request.maxBytes) {
      await reader.cancel();
      throw loadError(request, `response exceeds the ${request.maxBytes}-byte limit`, response.status);
    }
    parts.push(value);
  }
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

export async function fetchText(fetcher: Fetcher, request: FetchRequest): Promise<string> {
  const bytes = await fetcher(request);
  return new TextDecoder().decode(bytes);
}
