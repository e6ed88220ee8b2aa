import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { M3U8Parser } from 'hls.js';
import { createFile, MP4BoxBuffer } from 'mp4box';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinHlsPieces, writeLirnFile } from '../../src/container/index.js';
import type { LirnFastify } from '../../src/server/index.js';
import { ingestLirn, startServer, tempRoot, testVector } from './helpers.js';

const BASE = 'http://127.0.0.1/';
let app: LirnFastify;
let id = '';
let cleanup: () => Promise<void>;
let data = '';
const vector = testVector();

beforeAll(async () => {
  const t = await tempRoot();
  cleanup = t.cleanup;
  data = t.data;
  app = await startServer(data);
  id = await ingestLirn(app, vector.bytes, '?name=vector&segmentSeconds=1');
});

afterAll(async () => {
  await app?.close();
  await cleanup?.();
});

async function get(url: string, headers: Record<string, string> = {}) {
  return app.inject({ method: 'GET', url, headers });
}

/** What mp4box.js sees when a player appends one init segment and then media segments, one buffer at a time. */
function mp4boxRead(init: Uint8Array, segments: Uint8Array[]) {
  const mp4 = createFile();
  let info:
    | { tracks: Array<{ id: number; codec: string; video?: { width: number; height: number } }> }
    | undefined;
  const samples: Array<{ data: Uint8Array; dts: number; is_sync: boolean }> = [];
  mp4.onError = (e: unknown) => {
    throw new Error(`mp4box: ${String(e)}`);
  };
  mp4.onReady = (i) => {
    info = i as unknown as typeof info;
    mp4.setExtractionOptions(i.tracks[0].id, null, { nbSamples: 1 });
    mp4.start();
  };
  mp4.onSamples = (_id, _user, list) => {
    for (const s of list) samples.push(s as unknown as (typeof samples)[number]);
  };
  let offset = 0;
  for (const piece of [init, ...segments]) {
    const buffer = MP4BoxBuffer.fromArrayBuffer(piece.slice().buffer, offset);
    offset += piece.length;
    mp4.appendBuffer(buffer);
  }
  mp4.flush();
  return { info, samples };
}

describe('an encoded video streamed through the server', () => {
  it('is listed as ready with its rendition metadata', async () => {
    const list = (await get('/api/videos')).json();
    expect(list.videos.map((v: { id: string }) => v.id)).toEqual([id]);
    const meta = (await get(`/api/videos/${id}`)).json();
    expect(meta).toMatchObject({
      state: 'ready',
      name: 'vector',
      video: { width: 32, height: 24, frameCount: 16, fps: { num: 8, den: 1 } },
      lirn: { chunks: 2, fileBytes: vector.bytes.length },
      fallback: { width: 32, height: 24 },
    });
    expect(meta.lirn.segments).toHaveLength(5);
  });

  it('hls.js parses the multivariant playlist: it keeps the H.264 level and drops the lirn codec it cannot play', async () => {
    const r = await get(`/videos/${id}/master.m3u8`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/vnd.apple.mpegurl');
    expect(r.body).toMatch(/CODECS="lirn",RESOLUTION=32x24/);
    const meta = (await get(`/api/videos/${id}`)).json();
    const parsed = M3U8Parser.parseMasterPlaylist(r.body, `${BASE}videos/${id}/master.m3u8`);
    expect(parsed.playlistParsingError).toBeFalsy();
    expect(parsed.levels).toHaveLength(1);
    expect(parsed.levels[0]).toMatchObject({
      url: `${BASE}videos/${id}/h264/media.m3u8`,
      videoCodec: meta.fallback.codecs,
      width: 32,
      height: 24,
    });
    // Without the fallback line hls.js keeps the lirn variant (its unknown codec is all there is).
    const lirnOnly = r.body.split('\n').slice(0, 5).join('\n');
    const lirn = M3U8Parser.parseMasterPlaylist(lirnOnly, `${BASE}videos/${id}/master.m3u8`);
    expect(lirn.levels.map((l) => [l.url, l.attrs.CODECS, l.attrs['X-LIRN-ANY-RESOLUTION']])).toEqual([
      [`${BASE}videos/${id}/lirn/media.m3u8`, 'lirn', 'YES'],
    ]);
  });

  it('hls.js lists every latent segment with its chunk init; mp4box.js reads them piece by piece; joined they are the file on disk', async () => {
    const r = await get(`/videos/${id}/lirn/media.m3u8`);
    expect(r.body).toContain('#EXT-X-ENDLIST');
    expect(r.body).not.toContain('DISCONTINUITY');
    const url = `${BASE}videos/${id}/lirn/media.m3u8`;
    const details = M3U8Parser.parseLevelPlaylist(r.body, url, 0, 'main' as never, 0, null);
    expect(details.live).toBe(false);
    expect(details.fragments).toHaveLength(vector.file.segments.length);
    const fetchPiece = async (u: string) => {
      const res = await get(u.replace(BASE, '/'));
      expect(res.statusCode, u).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      return new Uint8Array(res.rawPayload);
    };
    const pieces: Uint8Array[] = [];
    const byInit = new Map<string, Uint8Array[]>();
    let lastInit = '';
    for (const [i, frag] of details.fragments.entries()) {
      const seg = vector.file.segments[i];
      expect(frag.duration).toBeCloseTo(seg.samples.length / 8, 6);
      expect(frag.initSegment?.url).toBe(`${BASE}videos/${id}/lirn/init-${seg.chunkIndex}.mp4`);
      const initUrl = frag.initSegment!.url;
      if (initUrl !== lastInit) {
        pieces.push(await fetchPiece(initUrl));
        byInit.set(initUrl, []);
        lastInit = initUrl;
      }
      const media = await fetchPiece(frag.url);
      pieces.push(media);
      byInit.get(initUrl)!.push(media);
    }
    // mp4box.js: one ISO file per init segment (a new model), media segments appended as they arrive.
    let frame = 0;
    for (const [initUrl, segments] of byInit) {
      const init = await fetchPiece(initUrl);
      const { info, samples } = mp4boxRead(init, segments);
      expect(info?.tracks[0]).toMatchObject({ codec: 'lirn', video: { width: 32, height: 24 } });
      const expected = vector.file.segments.filter(
        (s) => `${BASE}videos/${id}/lirn/init-${s.chunkIndex}.mp4` === initUrl,
      );
      const want = expected.flatMap((s) => s.samples);
      expect(samples.map((s) => new Uint8Array(s.data))).toEqual(want);
      samples.forEach((s, j) => {
        expect(s.dts).toBe((frame + j) * vector.file.sampleDuration);
        expect(s.is_sync).toBe(true);
      });
      frame += samples.length;
    }
    expect(frame).toBe(16);
    const onDisk = new Uint8Array(await readFile(join(data, id, 'video.lirn')));
    expect(Buffer.compare(Buffer.from(writeLirnFile(joinHlsPieces(pieces))), Buffer.from(onDisk))).toBe(0);
    expect(Buffer.compare(Buffer.from(onDisk), Buffer.from(vector.bytes))).toBe(0);
    const whole = await get(`/videos/${id}/video.lirn`);
    expect(Buffer.compare(whole.rawPayload, Buffer.from(onDisk))).toBe(0);
  });

  it('the H.264 fallback is an fMP4 HLS rendition mp4box.js reads with the advertised codec and every frame', async () => {
    const meta = (await get(`/api/videos/${id}`)).json();
    const r = await get(`/videos/${id}/h264/media.m3u8`);
    const details = M3U8Parser.parseLevelPlaylist(
      r.body,
      `${BASE}videos/${id}/h264/media.m3u8`,
      0,
      'main' as never,
      0,
      null,
    );
    expect(details.fragments).toHaveLength(meta.fallback.segments);
    expect(details.totalduration).toBeCloseTo(2, 1);
    const init = new Uint8Array((await get(`/videos/${id}/h264/init.mp4`)).rawPayload);
    const segments = [];
    for (const f of details.fragments) {
      expect(f.initSegment?.url).toBe(`${BASE}videos/${id}/h264/init.mp4`);
      segments.push(new Uint8Array((await get(f.url.replace(BASE, '/'))).rawPayload));
    }
    const { info, samples } = mp4boxRead(init, segments);
    expect(info?.tracks[0].codec).toBe(meta.fallback.codecs);
    expect(meta.fallback.codecs).toMatch(/^avc1\.[0-9a-f]{6}$/);
    expect(samples).toHaveLength(16);
    expect(samples[0].is_sync).toBe(true);
  });
});

describe('HTTP semantics on served pieces (RFC 9110)', () => {
  const seg = () => `/videos/${id}/lirn/seg-1.m4s`;

  it('strong content-hash ETag, Last-Modified, immutable caching, HEAD without a body', async () => {
    const full = await get(seg());
    expect(full.statusCode).toBe(200);
    expect(full.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(Date.parse(String(full.headers['last-modified']))).toBeGreaterThan(0);
    expect(full.headers['accept-ranges']).toBe('bytes');
    expect(full.headers['content-type']).toBe('video/iso.segment');
    const head = await app.inject({ method: 'HEAD', url: seg() });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(full.rawPayload.length));
    expect(head.headers.etag).toBe(full.headers.etag);
    expect(head.rawPayload.length).toBe(0);
  });

  it('byte ranges: 206 with Content-Range, suffix ranges, 416 with bytes */size, If-Range', async () => {
    const full = (await get(seg())).rawPayload;
    const size = full.length;
    const part = await get(seg(), { range: 'bytes=4-11' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 4-11/${size}`);
    expect(part.headers['content-length']).toBe('8');
    expect(Buffer.compare(part.rawPayload, full.subarray(4, 12))).toBe(0);
    const tail = await get(seg(), { range: 'bytes=-5' });
    expect(tail.statusCode).toBe(206);
    expect(Buffer.compare(tail.rawPayload, full.subarray(size - 5))).toBe(0);
    const open = await get(seg(), { range: `bytes=${size - 3}-` });
    expect(open.headers['content-range']).toBe(`bytes ${size - 3}-${size - 1}/${size}`);
    const bad = await get(seg(), { range: `bytes=${size}-` });
    expect(bad.statusCode).toBe(416);
    expect(bad.headers['content-range']).toBe(`bytes */${size}`);
    expect(bad.json()).toMatchObject({ type: 'http', details: 'range-not-satisfiable' });
    expect(bad.headers['cache-control']).toBe('no-store');
    const etag = String(part.headers.etag);
    const ifRangeOk = await get(seg(), { range: 'bytes=0-1', 'if-range': etag });
    expect(ifRangeOk.statusCode).toBe(206);
    const ifRangeStale = await get(seg(), { range: 'bytes=0-1', 'if-range': '"stale"' });
    expect(ifRangeStale.statusCode).toBe(200);
    expect(ifRangeStale.rawPayload.length).toBe(size);
    const ignored = await get(seg(), { range: 'bytes=5-1' });
    expect(ignored.statusCode).toBe(200);
  });

  it('conditional GET: 304 for If-None-Match (weak compare) and If-Modified-Since, 412 for If-Match', async () => {
    const full = await get(seg());
    const etag = String(full.headers.etag);
    const lastModified = String(full.headers['last-modified']);
    const inm = await get(seg(), { 'if-none-match': `"other", W/${etag}` });
    expect(inm.statusCode).toBe(304);
    expect(inm.rawPayload.length).toBe(0);
    expect(inm.headers.etag).toBe(etag);
    expect(inm.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await get(seg(), { 'if-modified-since': lastModified })).statusCode).toBe(304);
    // If-None-Match takes precedence: a different tag means 200 even with a fresh If-Modified-Since.
    expect(
      (await get(seg(), { 'if-none-match': '"other"', 'if-modified-since': lastModified })).statusCode,
    ).toBe(200);
    const earlier = new Date(Date.parse(lastModified) - 2000).toUTCString();
    expect((await get(seg(), { 'if-modified-since': earlier })).statusCode).toBe(200);
    const failed = await get(seg(), { 'if-match': '"other"' });
    expect(failed.statusCode).toBe(412);
    expect(failed.json().details).toBe('precondition-failed');
    expect((await get(seg(), { 'if-match': etag })).statusCode).toBe(200);
    // A range on a 304-able request is still a 304 (conditionals come before ranges).
    expect((await get(seg(), { 'if-none-match': etag, range: 'bytes=0-1' })).statusCode).toBe(304);
  });

  it('playlists: br or gzip by Accept-Encoding, each coding with its own ETag, Vary, 5-minute caching once finished', async () => {
    const url = `/videos/${id}/lirn/media.m3u8`;
    const plain = await get(url);
    const br = await get(url, { 'accept-encoding': 'gzip, br' });
    const gz = await get(url, { 'accept-encoding': 'gzip' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(br.headers['content-encoding']).toBe('br');
    expect(gz.headers['content-encoding']).toBe('gzip');
    for (const r of [plain, br, gz]) {
      expect(r.headers.vary).toBe('Accept-Encoding');
      expect(r.headers['cache-control']).toBe('public, max-age=300');
    }
    const { brotliDecompressSync, gunzipSync } = await import('node:zlib');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(plain.body);
    expect(gunzipSync(gz.rawPayload).toString()).toBe(plain.body);
    expect(new Set([plain.headers.etag, br.headers.etag, gz.headers.etag]).size).toBe(3);
    const again = await get(url, { 'accept-encoding': 'br', 'if-none-match': String(br.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.headers.vary).toBe('Accept-Encoding');
  });

  it('CORS: any origin may read, preflight for Range is answered', async () => {
    const r = await get(seg(), { origin: 'https://player.example' });
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(String(r.headers['access-control-expose-headers'])).toMatch(/Content-Range/);
    const pre = await app.inject({
      method: 'OPTIONS',
      url: seg(),
      headers: {
        origin: 'https://player.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'range',
      },
    });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(String(pre.headers['access-control-allow-methods'])).toMatch(/GET/);
    expect(String(pre.headers['access-control-allow-headers']).toLowerCase()).toMatch(/range/);
  });
});
