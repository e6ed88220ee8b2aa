/**
 * The generic ISO-BMFF box (ISO/IEC 14496-12 §4.2): header (size, type, largesize, usertype), the FullBox
 * version/flags, the box's own fields (its syntax function from the registry) and its child boxes.
 * One function, `boxSyntax`, reads, writes and prints a box; sizes are patched in after the payload is written.
 */
import type { Syntax } from './syntax.js';
import { WriteSyntax } from './syntax.js';

/** How the box's size was (or is to be) coded: 32-bit `size`, `size = 1` + 64-bit `largesize`, or `size = 0`. */
export type BoxSizeForm = 'compact' | 'large' | 'to-end';

export interface Box {
  type: string;
  /** Header form; writers default to 'compact'. */
  sizeForm?: BoxSizeForm;
  /** 16 bytes, only when `type` is 'uuid'. */
  usertype?: Uint8Array;
  /** FullBox header fields. */
  version?: number;
  flags?: number;
  /** Child boxes of container boxes, in file order. */
  children?: Box[];
  /** Where the box was read from (informational; ignored and recomputed by writers). */
  offset?: number;
  size?: number;
}

/** A box this decoder does not interpret: its payload after the header is kept verbatim. */
export interface OpaqueBox extends Box {
  data: Uint8Array;
}

export interface BoxDefinition {
  /** FullBox: one byte version and 24-bit flags precede the fields. */
  full: boolean;
  /** FullBox versions this decoder implements; others are 'unsupported'. */
  versions?: readonly number[];
  /** The box's fields after the (Full)Box header; absent for pure containers. */
  fields?: (s: Syntax, b: Box) => void;
  /**
   * Children after the fields: 'rest' = boxes up to the end of the box; 'counted' = exactly `entry_count`
   * boxes (set by `fields`), which must end the box.
   */
  children?: 'rest' | 'counted';
}

/** A typed box syntax function registered under the erased `BoxDefinition` signature. */
export function defineBox<T extends Box>(
  def: Omit<BoxDefinition, 'fields'> & { fields?: (s: Syntax, b: T) => void },
): BoxDefinition {
  return def as BoxDefinition;
}

/** Box nesting this decoder accepts (a crafted file could otherwise nest containers until the stack overflows). */
export const MAX_BOX_DEPTH = 24;

const HEX = '0123456789abcdef';

/** A fourcc safe to print in paths and messages (non-printable bytes as \xNN). */
export function printableFourcc(type: string): string {
  let out = '';
  for (let i = 0; i < type.length; i++) {
    const c = type.charCodeAt(i);
    out += c >= 0x20 && c < 0x7f && c !== 0x2f ? type[i] : `\\x${HEX[c >> 4]}${HEX[c & 15]}`;
  }
  return out;
}

export type BoxRegistry = Readonly<Record<string, BoxDefinition>>;

/**
 * Reads or writes one box. Reading: `b` is an empty object to fill. Writing/printing: `b` is the box to emit;
 * its size fields are computed, never taken from `b.size`.
 */
export function boxSyntax(s: Syntax, b: Box, registry: BoxRegistry, depth = 0): Box {
  const start = s.position();
  let size = 0;
  let form: BoxSizeForm = b.sizeForm ?? 'compact';
  if (s.reading) {
    size = s.u32('size');
    b.type = s.fourcc('type');
    form = size === 1 ? 'large' : size === 0 ? 'to-end' : 'compact';
  } else {
    s.enter(printableFourcc(b.type));
    s.u32('size', form === 'large' ? 1 : 0);
    s.fourcc('type', b.type);
  }
  if (form === 'large') size = s.u64('largesize', 0);
  if (s.reading) {
    const headerEnd = s.position() + (b.type === 'uuid' ? 16 : 0);
    if (form === 'to-end') size = s.remaining() + (s.position() - start);
    enterReadBox(s, b.type, start, size, headerEnd);
    if (form !== 'compact') b.sizeForm = form;
    b.offset = start;
    b.size = size;
  }
  if (depth >= MAX_BOX_DEPTH) s.fail('limit-exceeded', `boxes nested deeper than ${MAX_BOX_DEPTH}`, start);
  if (b.type === 'uuid') b.usertype = s.bytes('usertype', 16, b.usertype);

  // Own properties only: a fourcc must never reach Object.prototype members.
  const def = Object.hasOwn(registry, b.type) ? registry[b.type] : undefined;
  if (!def) {
    const opaque = b as OpaqueBox;
    opaque.data = s.bytes('data', s.reading ? s.remaining() : opaque.data.length, opaque.data);
  } else {
    if (def.full) {
      b.version = s.u8('version', b.version ?? 0);
      b.flags = s.u24('flags', b.flags ?? 0);
      if (def.versions && !def.versions.includes(b.version)) {
        s.fail(
          'unsupported',
          `version ${b.version} is not implemented (expected ${def.versions.join(' or ')})`,
        );
      }
    }
    def.fields?.(s, b);
    if (def.children) childrenSyntax(s, b, def.children, registry, depth);
  }

  if (s.reading) {
    if (s.remaining() !== 0)
      s.fail('bad-size', `${s.remaining()} bytes of the box payload are left unparsed`, start);
  } else {
    patchSize(s, b, start, form);
  }
  s.leave();
  return b;
}

function enterReadBox(s: Syntax, type: string, start: number, size: number, headerEnd: number): void {
  const consumed = s.position() - start;
  const available = s.remaining() + consumed;
  s.enter(printableFourcc(type), start + Math.min(Math.max(size, consumed), available));
  if (size < headerEnd - start)
    s.fail('bad-size', `box size ${size} is smaller than its header (${headerEnd - start} bytes)`, start);
  if (size > available)
    s.fail('bad-size', `box size ${size} exceeds the ${available} bytes left in its container`, start);
}

function childrenSyntax(
  s: Syntax,
  b: Box,
  mode: 'rest' | 'counted',
  registry: BoxRegistry,
  depth: number,
): void {
  if (s.reading) {
    const children: Box[] = [];
    if (mode === 'counted') {
      const count = (b as Box & { entry_count: number }).entry_count;
      for (let i = 0; i < count; i++) children.push(boxSyntax(s, {} as Box, registry, depth + 1));
    } else {
      while (s.remaining() > 0) children.push(boxSyntax(s, {} as Box, registry, depth + 1));
    }
    b.children = children;
  } else {
    for (const child of b.children ?? []) boxSyntax(s, child, registry, depth + 1);
  }
}

function patchSize(s: Syntax, b: Box, start: number, form: BoxSizeForm): void {
  const size = s.position() - start;
  if (!(s instanceof WriteSyntax)) return;
  if (form === 'compact') {
    if (size > 0xffffffff) s.fail('limit-exceeded', `box of ${size} bytes needs a largesize`);
    s.patchU32(start, size);
  } else if (form === 'large') {
    s.patchU64(start + 8, size);
  }
  b.size = size;
}
