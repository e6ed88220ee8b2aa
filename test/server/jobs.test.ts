import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { M3U8Parser } from 'hls.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinHlsPieces, writeLirnFile } from '../../src/container/index.js';
import { writeSyntheticMp4 } from '../../src/media/synthetic-mp4.js';
import { InProcessQueue, type JobEvent } from '../../src/server/index.js';
import { startServer, tempRoot, testVector, until } from './helpers.js';

// 24 frames at 12 fps in 0.5 s segments, one segment per chunk: 4 chunks, each published as it finishes.
const QUERY = '?profile=S&iterations=60&segmentSeconds=0.5&chunkSegments=1&sceneCuts=false&seed=3&name=clip';
let clip: Buffer;
let cleanup: () => Promise<void>;
let straightFile: Buffer;

beforeAll(async () => {
  const t = await tempRoot();
  cleanup = t.cleanup;
  const path = join(t.root, 'clip.mp4');
  await writeSyntheticMp4({ path, width: 32, height: 24, frames: 24, fps: 12, seed: 9 });
  clip = await readFile(path);
});

afterAll(async () => {
  await cleanup?.();
});

interface SseEvent {
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: event payloads are checked field by field
  data: any;
}

/** Reads a Server-Sent Events stream to its end, handing each event to `onEvent` as it arrives. */
async function readSse(url: string, onEvent: (e: SseEvent) => Promise<void> | void): Promise<SseEvent[]> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (!event || !data) continue;
      const e = { event, data: JSON.parse(data) };
      events.push(e);
      await onEvent(e);
    }
  }
  return events;
}

describe('upload → encode job → growing playlist → ready', () => {
  it('streams progress as SSE and lists only finished chunks while encoding (EVENT playlist), VOD when done', async () => {
    const t = await tempRoot();
    const app = await startServer(t.data);
    try {
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const posted = await fetch(`${base}/api/videos${QUERY}`, {
        method: 'POST',
        body: new Uint8Array(clip),
        headers: { 'content-type': 'video/mp4' },
      });
      expect(posted.status).toBe(202);
      const video = await posted.json();
      expect(posted.headers.get('location')).toBe(`/api/videos/${video.id}`);
      const growing: string[] = [];
      const duringEncode = new Map<string, Buffer>();
      const events = await readSse(`${base}/api/videos/${video.id}/events`, async (e) => {
        if (e.event !== 'published') return;
        const r = await fetch(`${base}/videos/${video.id}/lirn/media.m3u8`);
        expect(r.headers.get('cache-control')).toBe('public, max-age=1');
        const text = await r.text();
        growing.push(text);
        const seg = `seg-${e.data.chunk}.m4s`;
        duringEncode.set(
          seg,
          Buffer.from(await (await fetch(`${base}/videos/${video.id}/lirn/${seg}`)).arrayBuffer()),
        );
      });
      expect(events[0].event).toBe('snapshot');
      expect(events.at(-1)).toEqual({ event: 'state', data: { state: 'ready' } });
      const published = events.filter((e) => e.event === 'published').map((e) => e.data.chunk);
      expect(published).toEqual([0, 1, 2, 3]);
      const phases = new Set(events.filter((e) => e.event === 'progress').map((e) => e.data.phase));
      expect([...phases]).toEqual(expect.arrayContaining(['train', 'fallback', 'done']));
      const fractions = events.filter((e) => e.event === 'progress').map((e) => e.data.fraction);
      expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1] - 1e-9)).toBe(true);

      // The growing playlist: an EVENT playlist that only ever appends, one chunk's map + segment at a time.
      growing.forEach((text, k) => {
        expect(text).toContain('#EXT-X-PLAYLIST-TYPE:EVENT');
        expect(text).not.toContain('#EXT-X-ENDLIST');
        const details = M3U8Parser.parseLevelPlaylist(
          text,
          `${base}/x/media.m3u8`,
          0,
          'main' as never,
          0,
          null,
        );
        expect(details.live).toBe(true);
        expect(details.fragments.length).toBeGreaterThanOrEqual(k + 1);
        if (k > 0) expect(text.startsWith(growing[k - 1].replace(/\n$/, ''))).toBe(true);
      });
      const final = await (await fetch(`${base}/videos/${video.id}/lirn/media.m3u8`)).text();
      expect(final).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
      expect(final).toContain('#EXT-X-ENDLIST');
      expect(final.match(/#EXT-X-MAP/g)).toHaveLength(4);
      const master = await (await fetch(`${base}/videos/${video.id}/master.m3u8`)).text();
      expect(master).toMatch(/CODECS="avc1\.[0-9a-f]{6}"/);

      // Pieces fetched during the encode are the very bytes of the finished file's pieces.
      const pieces: Uint8Array[] = [];
      for (let i = 0; i < 4; i++) {
        const init = Buffer.from(
          await (await fetch(`${base}/videos/${video.id}/lirn/init-${i}.mp4`)).arrayBuffer(),
        );
        const seg = Buffer.from(
          await (await fetch(`${base}/videos/${video.id}/lirn/seg-${i}.m4s`)).arrayBuffer(),
        );
        expect(Buffer.compare(seg, duringEncode.get(`seg-${i}.m4s`)!)).toBe(0);
        pieces.push(init, seg);
      }
      straightFile = await readFile(join(t.data, video.id, 'video.lirn'));
      expect(Buffer.compare(Buffer.from(writeLirnFile(joinHlsPieces(pieces))), straightFile)).toBe(0);
      const meta = await (await fetch(`${base}/api/videos/${video.id}`)).json();
      expect(meta).toMatchObject({
        state: 'ready',
        video: { width: 32, height: 24, frameCount: 24 },
        lirn: { chunks: 4 },
      });
      // The source and the encoder state are gone once the video is ready.
      expect((await readdir(join(t.data, video.id))).sort()).toEqual([
        'fallback',
        'lirn',
        'meta.json',
        'video.lirn',
      ]);
    } finally {
      await app.close();
      await t.cleanup();
    }
  });

  it('a server stopped mid-chunk resumes the job on restart from its checkpoints and writes the same bytes as an uninterrupted encode', async () => {
    const t = await tempRoot();
    let app = await startServer(t.data);
    const posted = await app.inject({ method: 'POST', url: `/api/videos${QUERY}`, payload: clip });
    const id = posted.json().id as string;
    const before = new Map<number, Buffer>();
    await new Promise<void>((resolve) => {
      const off = app.lirn.queue.subscribe(id, (e: JobEvent) => {
        if (e.type === 'progress' && e.progress.chunk === 1 && (e.progress.iteration ?? 0) >= 10) {
          off();
          resolve();
        }
      });
    });
    await app.close(); // interrupts chunk 1's training: chunk 0 is published, chunk 1's checkpoint is saved
    const stopped = JSON.parse(await readFile(join(t.data, id, 'meta.json'), 'utf8'));
    expect(stopped.state).toBe('encoding');
    expect(stopped.lirn.initBytes.length).toBeGreaterThanOrEqual(1);
    expect(await readdir(join(t.data, id, 'work'))).toEqual(
      expect.arrayContaining(['chunk-0000.ckpt', 'chunk-0001.ckpt']),
    );
    for (let k = 0; k < stopped.lirn.initBytes.length; k++) {
      before.set(k, await readFile(join(t.data, id, 'lirn', `seg-${k}.m4s`)));
    }
    // Listed while encoding (the growing playlist is playable), never half-written.
    app = await startServer(t.data, { resume: false });
    expect((await app.inject({ url: '/api/videos' })).json().videos.map((v: { id: string }) => v.id)).toEqual(
      [id],
    );
    await app.close();

    app = await startServer(t.data);
    try {
      await until(
        'the resumed job',
        async () => (await app.inject({ url: `/api/videos/${id}` })).json().state !== 'encoding',
      );
      await app.lirn.queue.idle();
      const meta = (await app.inject({ url: `/api/videos/${id}` })).json();
      expect(meta.state).toBe('ready');
      expect(meta.progress.resumedChunks).toBeGreaterThanOrEqual(1);
      for (const [k, bytes] of before) {
        expect(Buffer.compare(await readFile(join(t.data, id, 'lirn', `seg-${k}.m4s`)), bytes)).toBe(0);
      }
      const resumed = await readFile(join(t.data, id, 'video.lirn'));
      expect(Buffer.compare(resumed, straightFile)).toBe(0);
    } finally {
      await app.close();
      await t.cleanup();
    }
  });

  it('DELETE during an encode stops the job, removes everything and ends its event streams', async () => {
    const t = await tempRoot();
    const app = await startServer(t.data);
    try {
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const posted = await app.inject({
        method: 'POST',
        url: '/api/videos?profile=S&iterations=20000',
        payload: clip,
      });
      const id = posted.json().id as string;
      let deleted: Promise<number> | null = null;
      const events = await readSse(`${base}/api/videos/${id}/events`, (e) => {
        if (!deleted && e.event === 'progress' && e.data.phase === 'train') {
          deleted = app.inject({ method: 'DELETE', url: `/api/videos/${id}` }).then((r) => r.statusCode);
        }
      });
      expect(await deleted).toBe(204);
      expect(events.at(-1)).toEqual({ event: 'end', data: { reason: 'deleted' } });
      await app.lirn.queue.idle();
      await new Promise((r) => setTimeout(r, 50));
      expect(await readdir(t.data)).toEqual(['.tmp']);
      expect(await readdir(join(t.data, '.tmp'))).toEqual([]);
      // Stopping the server ends open streams too (they would otherwise hold close() forever).
      const other = await app.inject({
        method: 'POST',
        url: '/api/videos?profile=S&iterations=20000',
        payload: clip,
      });
      let closing: Promise<void> | null = null;
      const tail = await readSse(`${base}/api/videos/${other.json().id}/events`, (e) => {
        if (!closing && e.event === 'progress') closing = app.close();
      });
      await closing;
      expect(tail.at(-1)).toEqual({ event: 'end', data: { reason: 'shutdown' } });
    } finally {
      await app.close();
      await t.cleanup();
    }
  });

  it('a job that fails marks the video failed: the error is in its record and its events, playlists are 409', async () => {
    const t = await tempRoot();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // Jobs wait for the gate, so the test can damage the stored upload before its job reads it.
    const app = await startServer(t.data, {
      createQueue: (runner) =>
        new InProcessQueue(async (id, context) => gate.then(() => runner(id, context))),
    });
    try {
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const posted = await app.inject({
        method: 'POST',
        url: '/api/videos',
        payload: Buffer.from(testVector().bytes),
      });
      const id = posted.json().id as string;
      const { writeFile } = await import('node:fs/promises');
      await writeFile(join(t.data, id, 'source.lirn'), Buffer.from(testVector().bytes.subarray(0, 300)));
      // The job starts once the stream is open (its snapshot sent), so every event reaches it.
      const seen = await readSse(`${base}/api/videos/${id}/events`, (e) => {
        if (e.event === 'snapshot') release();
      });
      expect(seen.at(-1)?.event).toBe('state');
      expect(seen.at(-1)?.data.state).toBe('failed');
      expect(seen.at(-1)?.data.message).toMatch(/./);
      const meta = (await app.inject({ url: `/api/videos/${id}` })).json();
      expect(meta.state).toBe('failed');
      expect(meta.error).toMatchObject({ type: 'container' });
      const master = await app.inject({ url: `/videos/${id}/master.m3u8` });
      expect(master.statusCode).toBe(409);
      expect(master.json()).toMatchObject({ details: 'not-ready', fatal: true });
      expect((await app.inject({ url: '/api/videos' })).json().videos).toEqual([]);
      // A failed video is not resumed by a restart.
      await app.close();
      const again = await startServer(t.data);
      await again.lirn.queue.idle();
      expect((await again.inject({ url: `/api/videos/${id}` })).json().state).toBe('failed');
      await again.close();
    } finally {
      await app.close();
      await t.cleanup();
    }
  });
});
