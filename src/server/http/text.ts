/**
 * Small generated text resources (playlists): a strong ETag from the bytes, compressed with br or gzip when the
 * client accepts it (each coding is its own representation with its own tag, RFC 9110 §8.8.3), Vary:
 * Accept-Encoding, and the same conditional and range handling as files.
 */
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { chooseCoding } from './accept-encoding.js';
import { sendRepresentation } from './send.js';

const compressed = new Map<string, Buffer>();
const MAX_CACHED = 512;

function encode(body: Buffer, coding: 'br' | 'gzip', key: string): Buffer {
  const hit = compressed.get(key);
  if (hit) return hit;
  const out =
    coding === 'br'
      ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })
      : gzipSync(body, { level: 6 });
  if (compressed.size >= MAX_CACHED) compressed.delete(compressed.keys().next().value!);
  compressed.set(key, out);
  return out;
}

export interface TextResource {
  text: string;
  contentType: string;
  cacheControl: string;
  lastModified: number;
}

export function sendText(request: FastifyRequest, reply: FastifyReply, r: TextResource): FastifyReply {
  const body = Buffer.from(r.text, 'utf8');
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 27);
  const coding = chooseCoding(request.headers['accept-encoding'] as string | undefined);
  const common = {
    contentType: r.contentType,
    cacheControl: r.cacheControl,
    lastModified: r.lastModified,
    vary: 'Accept-Encoding',
  };
  // Compressing a few hundred bytes costs more than it saves.
  if (coding === 'identity' || body.length < 256) {
    return sendRepresentation(request, reply, {
      ...common,
      body,
      size: body.length,
      etag: { weak: false, opaque: hash },
    });
  }
  const bytes = encode(body, coding, `${hash}-${coding}`);
  return sendRepresentation(request, reply, {
    ...common,
    body: bytes,
    size: bytes.length,
    etag: { weak: false, opaque: `${hash}-${coding}` },
    contentEncoding: coding,
  });
}
