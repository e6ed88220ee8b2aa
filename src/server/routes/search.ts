/**
 * Retrieval over the server's library without decoding a frame (issue 8): `POST /api/search` with
 * `{vector: number[], level?: 'frame'|'segment'|'video', k?: number, space?: string}` → the nearest frames,
 * segments or videos of every ready video whose file carries aligned latents (a `lirA` box), best first.
 */
import { sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { AlignError } from '../../codec/align/errors.js';
import { Library as SearchLibrary } from '../../search/library.js';
import type { SearchLevel } from '../../search/vectors.js';
import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';

const LEVELS: readonly SearchLevel[] = ['frame', 'segment', 'video'];
export const MAX_QUERY_DIM = 65536;
export const MAX_RESULTS = 1000;

interface SearchBody {
  vector?: unknown;
  level?: unknown;
  k?: unknown;
  space?: unknown;
}

function badOption(message: string): HttpError {
  return new HttpError(400, 'bad-option', message);
}

function queryVector(value: unknown): Float32Array {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_QUERY_DIM) {
    throw badOption(`'vector' must be an array of 1..${MAX_QUERY_DIM} numbers`);
  }
  const v = new Float32Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const x = value[i];
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw badOption(`'vector'[${i}] is not a finite number`);
    v[i] = x;
  }
  return v;
}

export async function searchRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const prefix = app.prefix;
  let library: SearchLibrary | null = null;

  app.post('/api/search', { bodyLimit: 1 << 20 }, async (request) => {
    const body = (request.body ?? {}) as SearchBody;
    if (typeof body !== 'object') throw badOption('the body must be a JSON object');
    const vector = queryVector(body.vector);
    const level = body.level ?? 'frame';
    if (!LEVELS.includes(level as SearchLevel))
      throw badOption(`'level' must be one of ${LEVELS.join(', ')}`);
    const k = body.k ?? 10;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > MAX_RESULTS) {
      throw badOption(`'k' must be an integer in 1..${MAX_RESULTS}`);
    }
    if (body.space !== undefined && typeof body.space !== 'string')
      throw badOption(`'space' must be a string`);
    if (library) await library.refresh();
    else library = await SearchLibrary.open(ctx.library.root);
    if (library.videos.length === 0) return { hits: [] };
    try {
      const hits = library.search(vector, {
        level: level as SearchLevel,
        k,
        space: body.space as string | undefined,
      });
      return {
        hits: hits.map((h) => {
          const id = h.file.split(sep)[0];
          return {
            id,
            ...h,
            links: { video: `${prefix}/api/videos/${id}`, master: `${prefix}/videos/${id}/master.m3u8` },
          };
        }),
      };
    } catch (e) {
      if (e instanceof AlignError) throw badOption(e.message);
      throw e;
    }
  });
}
