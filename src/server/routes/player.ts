/**
 * The browser player at `/`: the built files of player/ (player/dist) when they exist when the server starts;
 * otherwise `/` is a short page saying so.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lirn</title></head>
<body><h1>lirn streaming server</h1>
<p>The player is not built (no player/dist). Build it, then restart the server.</p>
<p>The API is at <a href="api/videos">api/videos</a>; each video's HLS playlist is at videos/&lt;id&gt;/master.m3u8.</p>
</body></html>
`;

export async function playerRoutes(app: FastifyInstance, playerDir: string | null): Promise<void> {
  if (playerDir && existsSync(join(playerDir, 'index.html'))) {
    await app.register(fastifyStatic, {
      root: playerDir,
      prefix: '/',
      index: ['index.html'],
      wildcard: true,
    });
    return;
  }
  app.get('/', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(NOT_BUILT),
  );
}
