/**
 * A structural check of untrusted MessagePack bytes before msgpackr decodes them: every length and count is
 * checked against the bytes that remain (so decoding cannot allocate more than the input), nesting is bounded,
 * only the types the `lirC` map may use are accepted (nil, bool, int, float, str, array, map with str keys),
 * integers stay within ±(2^53 − 1), and the value fills the input exactly.
 */
import { ContainerError, type ContainerErrorDetails } from './errors.js';

export const MSGPACK_MAX_DEPTH = 16;

interface Cursor {
  data: Uint8Array;
  view: DataView;
  pos: number;
  /** Absolute offset of data[0] in the file, for error messages. */
  base: number;
  box: string;
}

function fail(c: Cursor, at: number, details: ContainerErrorDetails, message: string): never {
  throw new ContainerError(details, c.box, c.base + at, `MessagePack: ${message}`);
}

function need(c: Cursor, n: number, what: string): number {
  if (n > c.data.length - c.pos)
    fail(c, c.pos, 'truncated', `${what} needs ${n} bytes, ${c.data.length - c.pos} remain`);
  const p = c.pos;
  c.pos += n;
  return p;
}

function length(c: Cursor, bytes: 1 | 2 | 4, what: string): number {
  const p = need(c, bytes, what);
  return bytes === 1 ? c.data[p] : bytes === 2 ? c.view.getUint16(p) : c.view.getUint32(p);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function string(c: Cursor, n: number, at: number): string {
  const p = need(c, n, 'string');
  try {
    return UTF8.decode(c.data.subarray(p, p + n));
  } catch {
    return fail(c, at, 'bad-value', 'string is not valid UTF-8');
  }
}

/** Checks one value starting at c.pos and returns the decoded string when it is one (map keys need it). */
function value(c: Cursor, depth: number): string | undefined {
  const at = c.pos;
  const t = c.data[need(c, 1, 'value')];
  if (t <= 0x7f || t >= 0xe0 || t === 0xc0 || t === 0xc2 || t === 0xc3) return undefined;
  if ((t & 0xe0) === 0xa0) return string(c, t & 0x1f, at);
  if ((t & 0xf0) === 0x90) return container(c, t & 0x0f, 1, depth, at);
  if ((t & 0xf0) === 0x80) return container(c, t & 0x0f, 2, depth, at);
  switch (t) {
    case 0xca: // float32
    case 0xce: // uint32
    case 0xd2: // int32
      need(c, 4, 'number');
      return undefined;
    case 0xcb: // float64
      need(c, 8, 'number');
      return undefined;
    case 0xcc:
    case 0xd0:
      need(c, 1, 'number');
      return undefined;
    case 0xcd:
    case 0xd1:
      need(c, 2, 'number');
      return undefined;
    case 0xcf:
    case 0xd3: {
      const p = need(c, 8, 'number');
      const hi = c.view.getUint32(p);
      const safe = t === 0xcf ? hi < 0x200000 : hi < 0x200000 || hi >= 0xffe00000;
      if (!safe) fail(c, at, 'bad-value', '64-bit integer beyond ±(2^53 − 1)');
      return undefined;
    }
    case 0xd9:
      return string(c, length(c, 1, 'str8 length'), at);
    case 0xda:
      return string(c, length(c, 2, 'str16 length'), at);
    case 0xdb:
      return string(c, length(c, 4, 'str32 length'), at);
    case 0xdc:
      return container(c, length(c, 2, 'array16 count'), 1, depth, at);
    case 0xdd:
      return container(c, length(c, 4, 'array32 count'), 1, depth, at);
    case 0xde:
      return container(c, length(c, 2, 'map16 count'), 2, depth, at);
    case 0xdf:
      return container(c, length(c, 4, 'map32 count'), 2, depth, at);
    default:
      return fail(
        c,
        at,
        'bad-value',
        `type byte 0x${t.toString(16)} (bin, ext or reserved) is not allowed here`,
      );
  }
}

/** Arrays (itemsPerEntry 1) and maps (2: key, value). Every item is at least one byte. */
function container(c: Cursor, count: number, itemsPerEntry: 1 | 2, depth: number, at: number): undefined {
  if (depth >= MSGPACK_MAX_DEPTH) fail(c, at, 'limit-exceeded', `nested deeper than ${MSGPACK_MAX_DEPTH}`);
  if (count * itemsPerEntry > c.data.length - c.pos) {
    fail(
      c,
      at,
      'limit-exceeded',
      `count ${count} needs at least ${count * itemsPerEntry} bytes, ${c.data.length - c.pos} remain`,
    );
  }
  for (let i = 0; i < count; i++) {
    if (itemsPerEntry === 2) {
      const keyAt = c.pos;
      const key = value(c, depth + 1);
      if (key === undefined) fail(c, keyAt, 'bad-value', 'map key is not a string');
      if (key === '__proto__' || key === 'constructor' || key === 'prototype')
        fail(c, keyAt, 'bad-value', `map key '${key}' is not allowed`);
    }
    value(c, depth + 1);
  }
  return undefined;
}

/**
 * Throws a ContainerError (naming `box` and the absolute offset `base + position`) unless `data` is exactly one
 * well-formed MessagePack map within the limits above.
 */
export function checkMessagePackMap(data: Uint8Array, box: string, base: number): void {
  const c: Cursor = {
    data,
    view: new DataView(data.buffer, data.byteOffset, data.byteLength),
    pos: 0,
    box,
    base,
  };
  const t = data.length > 0 ? data[0] : -1;
  if (!((t & 0xf0) === 0x80 || t === 0xde || t === 0xdf)) fail(c, 0, 'bad-value', 'payload is not a map');
  value(c, 0);
  if (c.pos !== data.length) fail(c, c.pos, 'bad-size', `${data.length - c.pos} bytes follow the map`);
}
