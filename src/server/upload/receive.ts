/**
 * Streams a request body to a temporary file in the data directory's `.tmp/`, never holding it in memory: a
 * declared Content-Length over the limit is refused before reading (413), a body that grows over it is cut off
 * (413), and a body that ends early (the client aborted) leaves nothing behind.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError } from '../errors.js';

export interface ReceivedUpload {
  path: string;
  bytes: number;
  head: Uint8Array;
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'too-large', `the upload is larger than the ${limit}-byte limit`);
}

export async function receiveUpload(
  body: Readable,
  headers: Record<string, string | string[] | undefined>,
  path: string,
  limit: number,
  headBytes: number,
): Promise<ReceivedUpload> {
  const declared = headers['content-length'];
  if (typeof declared === 'string' && /^\d+$/.test(declared) && Number(declared) > limit)
    throw tooLarge(limit);
  let bytes = 0;
  const head: Buffer[] = [];
  let headLength = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > limit) return callback(tooLarge(limit));
      if (headLength < headBytes) {
        head.push(chunk.subarray(0, headBytes - headLength));
        headLength += Math.min(chunk.length, headBytes - headLength);
      }
      callback(null, chunk);
    },
  });
  try {
    await pipeline(body, meter, createWriteStream(path, { flags: 'wx' }));
  } catch (error) {
    await rm(path, { force: true });
    if (error instanceof HttpError) throw error;
    throw new HttpError(
      400,
      'truncated',
      `the upload ended after ${bytes} bytes: ${(error as Error).message}`,
    );
  }
  if (typeof declared === 'string' && /^\d+$/.test(declared) && bytes !== Number(declared)) {
    await rm(path, { force: true });
    throw new HttpError(400, 'truncated', `received ${bytes} of the ${declared} declared bytes`);
  }
  return { path, bytes, head: new Uint8Array(Buffer.concat(head)) };
}
