/**
 * Sends one representation (bytes in memory or a file to stream) through a fastify reply with RFC 9110 semantics:
 * validators (ETag, Last-Modified), conditional requests (304/412), single byte ranges (206/416), HEAD.
 */
import { createReadStream } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../errors.js';
import { type EntityTag, formatEntityTag } from './etag.js';
import { formatHttpDate } from './http-date.js';
import { evaluatePreconditions, rangeApplies } from './preconditions.js';
import { decideRange } from './range.js';

export interface Representation {
  /** The bytes, or null to stream `path` (then `size` must be its length). */
  body: Buffer | null;
  path?: string;
  size: number;
  etag: EntityTag;
  lastModified: number;
  contentType: string;
  cacheControl: string;
  contentEncoding?: 'br' | 'gzip';
  /** Request fields that select this representation (Vary). */
  vary?: string;
}

export function sendRepresentation(
  request: FastifyRequest,
  reply: FastifyReply,
  rep: Representation,
): FastifyReply {
  const validators = { etag: rep.etag, lastModified: rep.lastModified };
  // Fields a 304 must carry as well as a 200 (RFC 9110 §15.4.5).
  reply.header('etag', formatEntityTag(rep.etag));
  reply.header('last-modified', formatHttpDate(rep.lastModified));
  reply.header('cache-control', rep.cacheControl);
  if (rep.vary) reply.header('vary', rep.vary);

  const outcome = evaluatePreconditions(request.method, request.headers, validators);
  if (outcome === 'not-modified') return reply.code(304).send();
  if (outcome === 'precondition-failed') {
    throw new HttpError(
      412,
      'precondition-failed',
      'the If-Match / If-Unmodified-Since precondition is false',
    );
  }

  reply.header('accept-ranges', 'bytes');
  reply.header('content-type', rep.contentType);
  if (rep.contentEncoding) reply.header('content-encoding', rep.contentEncoding);

  let start = 0;
  let end = rep.size - 1;
  const rangeHeader = request.method === 'GET' ? request.headers.range : undefined;
  if (rangeHeader !== undefined && rangeApplies(request.headers, validators)) {
    const decision = decideRange(rangeHeader, rep.size);
    if (decision.kind === 'unsatisfiable') {
      reply.header('content-range', `bytes */${rep.size}`);
      reply.removeHeader('content-encoding');
      throw new HttpError(
        416,
        'range-not-satisfiable',
        `no range of "${rangeHeader}" lies within the ${rep.size} bytes`,
      );
    }
    if (decision.kind === 'partial') {
      start = decision.start;
      end = decision.end;
      reply.code(206);
      reply.header('content-range', `bytes ${start}-${end}/${rep.size}`);
    }
  }
  const length = Math.max(0, end - start + 1);
  reply.header('content-length', length);
  // HEAD goes through the same path: Node's http layer writes the headers (Content-Length included) and no body.
  if (rep.body)
    return reply.send(
      start === 0 && length === rep.body.length ? rep.body : rep.body.subarray(start, end + 1),
    );
  if (length === 0) return reply.send(Buffer.alloc(0));
  return reply.send(createReadStream(rep.path!, { start, end }));
}
