import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { lirnServer } from '../../src/server/index.js';
import { tempRoot, testVector, until } from './helpers.js';

describe('the server as a plugin of another fastify app', () => {
  it('mounts under a prefix with its own error handling, links carry the prefix, the host app is untouched', async () => {
    const t = await tempRoot();
    const host = Fastify();
    host.get('/health', async () => ({ ok: true }));
    await host.register(lirnServer, { prefix: '/media', dataDir: t.data, playerDir: null, fallback: false });
    try {
      const r = await host.inject({
        method: 'POST',
        url: '/media/api/videos',
        payload: Buffer.from(testVector().bytes),
      });
      expect(r.statusCode).toBe(202);
      const video = r.json();
      expect(video.links.master).toBe(`/media/videos/${video.id}/master.m3u8`);
      await until(
        'the ingest',
        async () => (await host.inject({ url: video.links.self })).json().state === 'ready',
      );
      const master = await host.inject({ url: video.links.master });
      expect(master.statusCode).toBe(200);
      expect(master.body).toContain('lirn/media.m3u8');
      expect((await host.inject({ url: '/health' })).json()).toEqual({ ok: true });
      // Outside the prefix the host's own 404 applies; inside it, the plugin's JSON errors.
      expect((await host.inject({ url: '/nothing' })).json()).toMatchObject({ statusCode: 404 });
      expect((await host.inject({ url: '/media/videos/bad/master.m3u8' })).json()).toMatchObject({
        details: 'bad-id',
      });
    } finally {
      await host.close();
      await t.cleanup();
    }
  });
});
