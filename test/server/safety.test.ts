import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLirnFile } from '../../src/container/index.js';
import type { LirnFastify } from '../../src/server/index.js';
import { ingestLirn, startServer, tempRoot, testVector, tree, until } from './helpers.js';

let app: LirnFastify;
let root = '';
let data = '';
let cleanup: () => Promise<void>;
let id = '';
let base = '';
let outsideBefore: string[] = [];
const vector = testVector();
const LIMIT = 64 * 1024;

beforeAll(async () => {
  const t = await tempRoot();
  ({ root, data, cleanup } = t);
  await mkdir(join(root, 'outside', 'lirn'), { recursive: true });
  await writeFile(join(root, 'outside', 'secret.txt'), 'SECRET outside the data dir');
  await writeFile(join(root, 'outside', 'lirn', 'seg-0.m4s'), 'SECRET segment');
  await writeFile(
    join(root, 'outside', 'meta.json'),
    JSON.stringify({
      id: 'OUTSIDEoutside00',
      state: 'ready',
      created: '',
      updated: '',
      lirn: { segments: [] },
    }),
  );
  app = await startServer(data, { maxUploadBytes: LIMIT, fallback: false });
  id = await ingestLirn(app, vector.bytes);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  outsideBefore = (await tree(root)).filter((p) => !p.startsWith('data/'));
});

afterAll(async () => {
  await app?.close();
  await cleanup?.();
});

function expectJsonError(
  r: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
  details?: string,
) {
  expect(r.statusCode, r.body).toBe(status);
  expect(String(r.headers['content-type'])).toMatch(/^application\/json/);
  const body = JSON.parse(r.body);
  expect(Object.keys(body).sort()).toEqual(['details', 'fatal', 'message', 'type']);
  expect(body.type).toBe('http');
  if (details) expect(body.details).toBe(details);
  expect(r.body).not.toContain('SECRET');
  return body;
}

/** A request with the path sent exactly as written (no client-side normalisation of `..`). */
function rawGet(
  path: string,
): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function upload(body: Buffer | Uint8Array, query = '') {
  return app.inject({
    method: 'POST',
    url: `/api/videos${query}`,
    payload: Buffer.from(body),
    headers: { 'content-type': 'application/octet-stream' },
  });
}

async function videoIds(): Promise<string[]> {
  return (await readdir(data)).filter((n) => !n.startsWith('.')).sort();
}

describe('path traversal and ids', () => {
  it('encoded traversal, absolute paths and odd names in ids or file names are 400 JSON errors', async () => {
    for (const url of [
      '/videos/..%2f..%2fetc/master.m3u8',
      '/videos/%2e%2e%2f%2e%2e%2fetc%2fpasswd/master.m3u8',
      '/videos/%2Fetc%2Fpasswd/master.m3u8',
      '/api/videos/..%2F..%2F..%2Fetc%2Fpasswd',
    ]) {
      expectJsonError(await app.inject({ url }), 400, 'bad-id');
    }
    for (const url of [
      `/videos/${id}/lirn/%2e%2e%2fvideo.lirn`,
      `/videos/${id}/lirn/..%2f..%2f${id}%2fmeta.json`,
      `/videos/${id}/lirn/%2Fetc%2Fpasswd`,
      `/videos/${id}/lirn/..%5c..%5cmeta.json`,
      `/videos/${id}/lirn/seg-0.m4s%00.txt`,
      `/videos/${id}/lirn/seg-01.m4s`,
      `/videos/${id}/h264/..%2fmeta.json`,
    ]) {
      expectJsonError(await app.inject({ url }), 400, 'bad-path');
    }
  });

  it('literal `..` and absolute paths sent raw never leave the routes', async () => {
    for (const path of [
      '/videos/../../../../etc/passwd',
      `/videos/${id}/lirn/../../../../etc/passwd`,
      `/videos/${id}/lirn/../meta.json`,
      '//etc/passwd',
      '/etc/passwd',
      '/videos/./././etc/passwd',
      `/videos/${id}/../${id}/video.lirn`,
      // WHATWG URL parsing would turn these into `..` segments; sent raw they reach the server as written.
      '/api/videos/%2e%2e',
      `/videos/${id}/lirn/%2e%2e/%2e%2e/%2e%2e/etc/passwd`,
      '/videos/%2e%2e/%2e%2e/etc/passwd',
    ]) {
      const r = await rawGet(path);
      expect(r.statusCode, path).toBeGreaterThanOrEqual(400);
      expect(r.statusCode, path).toBeLessThan(500);
      expectJsonError(r, r.statusCode);
    }
  });

  it('symlinks that lead out of the data directory are refused (403), inside it they are followed', async () => {
    await symlink(join(root, 'outside'), join(data, 'OUTSIDEoutside00'));
    await symlink(join(root, 'outside', 'secret.txt'), join(data, id, 'lirn', 'seg-90.m4s'));
    await symlink(join(data, id, 'lirn', 'seg-0.m4s'), join(data, id, 'lirn', 'seg-91.m4s'));
    expectJsonError(
      await app.inject({ url: '/videos/OUTSIDEoutside00/lirn/seg-0.m4s' }),
      403,
      'outside-data-dir',
    );
    expectJsonError(await app.inject({ url: '/api/videos/OUTSIDEoutside00' }), 403, 'outside-data-dir');
    expectJsonError(await app.inject({ url: `/videos/${id}/lirn/seg-90.m4s` }), 403, 'outside-data-dir');
    const inside = await app.inject({ url: `/videos/${id}/lirn/seg-91.m4s` });
    expect(inside.statusCode).toBe(200);
    expect(Buffer.compare(inside.rawPayload, await readFile(join(data, id, 'lirn', 'seg-0.m4s')))).toBe(0);
    const list = (await app.inject({ url: '/api/videos?state=all' })).json();
    expect(list.videos.map((v: { id: string }) => v.id)).toEqual([id]);
  });

  it('unknown ids and missing pieces are 404 JSON errors', async () => {
    const unknown = 'AAAAAAAAAAAAAAAA';
    expectJsonError(await app.inject({ url: `/api/videos/${unknown}` }), 404, 'unknown-video');
    expectJsonError(await app.inject({ url: `/videos/${unknown}/master.m3u8` }), 404, 'unknown-video');
    expectJsonError(await app.inject({ url: `/api/videos/${unknown}/events` }), 404, 'unknown-video');
    expectJsonError(
      await app.inject({ method: 'DELETE', url: `/api/videos/${unknown}` }),
      404,
      'unknown-video',
    );
    expectJsonError(await app.inject({ url: `/videos/${unknown}/lirn/seg-0.m4s` }), 404, 'not-found');
    expectJsonError(await app.inject({ url: `/videos/${id}/lirn/seg-77.m4s` }), 404, 'not-found');
    expectJsonError(await app.inject({ url: '/no/such/route' }), 404, 'not-found');
  });
});

describe('uploads', () => {
  it('options are checked before the body is read', async () => {
    for (const q of [
      '?iterations=0',
      '?iterations=99999999',
      '?profile=XL',
      '?size=4x4',
      '?segmentSeconds=0',
      '?evil=1',
      '?seed=-1',
      '?frameLevels=maybe',
    ]) {
      expectJsonError(await upload(vector.bytes, q), 400, 'bad-option');
    }
  });

  it('a body over the limit is refused (413): declared by Content-Length, or streamed without one', async () => {
    expectJsonError(await upload(Buffer.alloc(LIMIT + 1, 7)), 413, 'too-large');
    const url = new URL(base);
    const chunked = await new Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>(
      (resolve, reject) => {
        const req = httpRequest(
          { host: url.hostname, port: url.port, path: '/api/videos', method: 'POST' },
          (res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body }));
          },
        );
        req.on('error', reject);
        // ftyp-looking bytes, so only the size can be the reason.
        const chunk = Buffer.alloc(16 * 1024, 0);
        chunk.write('ftypisom', 4);
        Readable.from(Array.from({ length: 8 }, () => chunk)).pipe(req);
      },
    );
    expectJsonError(chunked, 413, 'too-large');
  });

  it('non-video bodies are 415; a malformed .lirn is 422', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const fakeMp4 = Buffer.alloc(2048, 0x5a);
    fakeMp4.writeUInt32BE(24, 0);
    fakeMp4.write('ftypisom', 4);
    for (const body of [
      Buffer.from('hello, this is not a video\n'.repeat(20)),
      png,
      fakeMp4,
      Buffer.alloc(0),
    ]) {
      expectJsonError(await upload(body), 415, 'not-video');
    }
    expectJsonError(await upload(vector.bytes.subarray(0, vector.bytes.length - 50)), 422, 'bad-lirn');
    // Well-formed, but its models cover fewer frames than the track declares: no decoder can play it.
    const short = testVector().file;
    short.frameCount += 4;
    expectJsonError(await upload(writeLirnFile(short)), 422, 'bad-lirn');
  });

  it('a client that aborts mid-upload leaves nothing behind, and the server keeps serving', async () => {
    const url = new URL(base);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((r) => socket.once('connect', r));
    socket.write(
      `POST /api/videos HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: video/mp4\r\nContent-Length: 50000\r\n\r\n`,
    );
    socket.write(Buffer.from(vector.bytes.subarray(0, 2000)));
    await until('the upload to start', async () => (await readdir(join(data, '.tmp'))).length > 0);
    socket.destroy();
    await until(
      'the partial upload to be removed',
      async () => (await readdir(join(data, '.tmp'))).length === 0,
    );
    expect(await videoIds()).toEqual([id, 'OUTSIDEoutside00'].sort());
    expect((await app.inject({ url: `/api/videos/${id}` })).statusCode).toBe(200);
  });

  it('after every refused upload: nothing written outside the data dir, no partial video, an empty .tmp', async () => {
    expect((await tree(root)).filter((p) => !p.startsWith('data/'))).toEqual(outsideBefore);
    expect(await videoIds()).toEqual([id, 'OUTSIDEoutside00'].sort());
    expect(await readdir(join(data, '.tmp'))).toEqual([]);
    const list = (await app.inject({ url: '/api/videos?state=all' })).json();
    expect(list.videos.map((v: { id: string }) => v.id)).toEqual([id]);
  });
});

describe('listing and deleting', () => {
  it('lists only videos whose record is complete and ready or encoding', async () => {
    const t = await tempRoot();
    // A queue that never runs jobs: an upload stays queued.
    const held = await startServer(t.data, {
      fallback: false,
      createQueue: () => ({
        enqueue: async () => {},
        cancel: async () => {},
        subscribe: () => () => {},
        idle: async () => {},
        close: async () => {},
      }),
    });
    try {
      const r = await held.inject({ method: 'POST', url: '/api/videos', payload: Buffer.from(vector.bytes) });
      expect(r.statusCode).toBe(202);
      const queued = r.json().id;
      // A half-made folder (no meta.json) and one with a broken record, as a crash could leave them.
      await mkdir(join(t.data, 'HALFhalfHALFhalf'));
      await mkdir(join(t.data, 'BROKENbrokenBROK'));
      await writeFile(join(t.data, 'BROKENbrokenBROK', 'meta.json'), '{"id": "BROKENbrokenBROK", "sta');
      expect((await held.inject({ url: '/api/videos' })).json().videos).toEqual([]);
      const all = (await held.inject({ url: '/api/videos?state=all' })).json().videos;
      expect(all.map((v: { id: string; state: string }) => [v.id, v.state])).toEqual([[queued, 'queued']]);
      expectJsonError(await held.inject({ url: `/videos/${queued}/master.m3u8` }), 409, 'not-ready');
      expectJsonError(await held.inject({ url: '/api/videos/HALFhalfHALFhalf' }), 404, 'unknown-video');
    } finally {
      await held.close();
      await t.cleanup();
    }
  });

  it('DELETE removes the video and every piece of it', async () => {
    const other = await ingestLirn(app, vector.bytes);
    expect((await app.inject({ url: `/videos/${other}/lirn/seg-0.m4s` })).statusCode).toBe(200);
    const r = await app.inject({ method: 'DELETE', url: `/api/videos/${other}` });
    expect(r.statusCode).toBe(204);
    expect(await videoIds()).not.toContain(other);
    expectJsonError(await app.inject({ url: `/videos/${other}/lirn/seg-0.m4s` }), 404, 'not-found');
    expectJsonError(await app.inject({ url: `/api/videos/${other}` }), 404, 'unknown-video');
  });
});

describe('the player at /', () => {
  it('says the player is not built when player/dist is missing, serves it when present', async () => {
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toMatch(/not built/);
    const t = await tempRoot();
    await mkdir(join(t.root, 'dist', 'assets'), { recursive: true });
    await writeFile(join(t.root, 'dist', 'index.html'), '<!doctype html><title>player</title>');
    await writeFile(join(t.root, 'dist', 'assets', 'app.js'), 'console.log(1)');
    const withPlayer = await startServer(t.data, { playerDir: join(t.root, 'dist') });
    try {
      expect((await withPlayer.inject({ url: '/' })).body).toBe('<!doctype html><title>player</title>');
      expect((await withPlayer.inject({ url: '/assets/app.js' })).body).toBe('console.log(1)');
      expectJsonError(await withPlayer.inject({ url: '/assets/missing.js' }), 404);
      expect((await withPlayer.inject({ url: '/api/videos' })).statusCode).toBe(200);
    } finally {
      await withPlayer.close();
      await t.cleanup();
    }
  });
});
