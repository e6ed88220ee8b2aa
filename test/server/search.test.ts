import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinFeatures } from '../../src/codec/align/builtin.js';
import type { LirnFastify } from '../../src/server/app.js';
import { encodeVideo, H, scene, W } from '../search/fixtures.js';
import { ingestLirn, startServer, tempRoot } from './helpers.js';

describe('POST /api/search', () => {
  let app: LirnFastify;
  let cleanup: () => Promise<void>;
  const ids = new Map<number, string>();

  beforeAll(async () => {
    const root = await tempRoot();
    cleanup = root.cleanup;
    app = await startServer(root.data, { fallback: false });
    for (const seed of [1, 2, 3]) ids.set(seed, await ingestLirn(app, await encodeVideo(seed, 0.05)));
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await cleanup?.();
  });

  const search = (payload: unknown) =>
    app.inject({ method: 'POST', url: '/api/search', payload: payload as object });

  it('finds the video a frame comes from, at every level, from the stream alone', async () => {
    for (const seed of [1, 2, 3]) {
      // An in-between frame the encoder never saw.
      const vector = Array.from(builtinFeatures(scene(seed).render(6.5), W, H));
      for (const level of ['frame', 'segment', 'video']) {
        const r = await search({ vector, level, k: 3 });
        expect(r.statusCode).toBe(200);
        const { hits } = r.json();
        expect(hits.length).toBeGreaterThan(0);
        expect(hits[0].id, `seed ${seed} at ${level} level`).toBe(ids.get(seed));
        expect(hits[0].links.master).toBe(`/videos/${ids.get(seed)}/master.m3u8`);
        for (let i = 1; i < hits.length; i++) expect(hits[i].score).toBeLessThanOrEqual(hits[i - 1].score);
      }
    }
  });

  it('refuses malformed queries with JSON errors', async () => {
    for (const payload of [
      {},
      { vector: [] },
      { vector: ['a'] },
      { vector: [1, 2], level: 'scene' },
      { vector: [1, 2], k: 0 },
    ]) {
      const r = await search(payload);
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect(r.json()).toMatchObject({ type: 'http', details: 'bad-option', fatal: true });
    }
    const wrongDim = await search({ vector: [1, 2, 3] });
    expect(wrongDim.statusCode).toBe(400);
    expect(wrongDim.json().message).toMatch(/3 values/);
  });
});
