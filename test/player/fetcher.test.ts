import { describe, expect, it } from 'vitest';
import { ErrorDetails, PlayerError } from '../../player/src/core/errors.js';
import { createHttpFetcher, type FetchRequest } from '../../player/src/loader/fetcher.js';

const base: FetchRequest = {
  kind: 'fragment',
  url: 'http://h/seg.m4s',
  timeoutMs: 1000,
  maxBytes: 100,
  sn: 7,
};

async function failure(p: Promise<unknown>): Promise<PlayerError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PlayerError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('createHttpFetcher', () => {
  it('sends a Range header for byte ranges and insists on 206', async () => {
    const seen: Array<string | null> = [];
    const fetcher = createHttpFetcher(async (_url, init) => {
      seen.push(new Headers(init?.headers).get('range'));
      return new Response(new Uint8Array([1, 2, 3]), { status: 206 });
    });
    expect(await fetcher({ ...base, byteRange: { offset: 10, length: 3 } })).toEqual(
      new Uint8Array([1, 2, 3]),
    );
    expect(seen).toEqual(['bytes=10-12']);
    const wrong = createHttpFetcher(async () => new Response(new Uint8Array(3), { status: 200 }));
    expect((await failure(wrong({ ...base, byteRange: { offset: 0, length: 3 } }))).details).toBe(
      ErrorDetails.FRAG_LOAD_ERROR,
    );
  });

  it('turns HTTP errors into typed load errors with the status, URL and sequence number', async () => {
    const fetcher = createHttpFetcher(
      async () => new Response('nope', { status: 503, statusText: 'Service Unavailable' }),
    );
    const e = await failure(fetcher(base));
    expect(e.toJSON()).toMatchObject({
      type: 'networkError',
      details: 'fragLoadError',
      httpStatus: 503,
      url: base.url,
      sn: 7,
    });
    const init = await failure(
      createHttpFetcher(async () => new Response('', { status: 404 }))({ ...base, kind: 'init' }),
    );
    expect(init.details).toBe(ErrorDetails.INIT_LOAD_ERROR);
  });

  it('refuses responses over the size limit, declared or streamed', async () => {
    const declared = createHttpFetcher(
      async () => new Response(new Uint8Array(10), { headers: { 'content-length': '1000000' } }),
    );
    expect((await failure(declared(base))).message).toMatch(/exceeds/);
    const streamed = createHttpFetcher(
      async () =>
        new Response(
          new ReadableStream({
            pull(c) {
              c.enqueue(new Uint8Array(64));
            },
          }),
        ),
    );
    expect((await failure(streamed(base))).message).toMatch(/exceeds the 100-byte limit/);
  });

  it('times out with a *TimeOut detail and passes aborts through as AbortError', async () => {
    const hang = createHttpFetcher(
      (_url, init) =>
        new Promise((_, reject) =>
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
        ),
    );
    const t = await failure(hang({ ...base, timeoutMs: 20 }));
    expect(t.details).toBe(ErrorDetails.FRAG_LOAD_TIMEOUT);
    const controller = new AbortController();
    const p = hang({ ...base, signal: controller.signal });
    controller.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  });
});
