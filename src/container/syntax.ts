/**
 * Syntax written once, driven three ways (as FFmpeg's CBS does): a syntax function calls `s.u32('name', obj.name)`
 * and assigns the result back. A `ReadSyntax` ignores the value and returns what it parsed; a `WriteSyntax`
 * writes the value and returns it; a `PrintSyntax` writes too and records `name = value` lines for `lirn info`.
 * Parser, writer and printer therefore cannot drift. Platform-neutral: Uint8Array/DataView only.
 *
 *   function mvhd(s: Syntax, b: Mvhd) {
 *     b.version = s.u8('version', b.version);
 *     ...
 *   }
 */
import { ContainerError, type ContainerErrorDetails } from './errors.js';

export interface Syntax {
  readonly reading: boolean;
  u8(name: string, v?: number): number;
  u16(name: string, v?: number): number;
  u24(name: string, v?: number): number;
  u32(name: string, v?: number): number;
  /** 64-bit unsigned; values above 2^53 − 1 are rejected as `limit-exceeded`. */
  u64(name: string, v?: number): number;
  i16(name: string, v?: number): number;
  i32(name: string, v?: number): number;
  /** IEEE-754 binary32, big-endian, bit-exact in both directions. */
  f32(name: string, v?: number): number;
  /** Unsigned bit field of 1..32 bits, MSB first; a run of bit fields must end byte-aligned (`align`). */
  bits(name: string, n: number, v?: number): number;
  /** Checks that the bit position is byte-aligned (reader: pending bits must be zero padding). */
  align(name?: string): void;
  fourcc(name: string, v?: string): string;
  /** `length` raw bytes; the reader returns a view into the input (no copy). */
  bytes(name: string, length: number, v?: Uint8Array): Uint8Array;
  /** Null-terminated UTF-8 string. */
  cstring(name: string, v?: string): string;
  /**
   * Pascal string in a fixed field of `fieldBytes` bytes: a length byte, that many UTF-8 bytes, zero padding
   * (VisualSampleEntry.compressorname).
   */
  pstring(name: string, fieldBytes: number, v?: string): string;
  /** Reader: bytes left in the current scope; writer: Infinity. */
  remaining(): number;
  /** Absolute byte offset of the cursor. */
  position(): number;
  /**
   * Reads/writes an element count and, when reading, checks `count · minItemBytes ≤ remaining()` before anyone
   * allocates for it.
   */
  count(name: string, bits: 8 | 16 | 32, minItemBytes: number, v?: number): number;
  /** Raise a typed error at the current position, or at byte `at` (used by syntax functions for semantic checks). */
  fail(details: ContainerErrorDetails, message: string, at?: number): never;
  /** Names the current box for error messages and printing. */
  enter(box: string, end?: number): void;
  leave(): void;
}

/**
 * Test/fuzz instrumentation: called with every element count and byte length the reader accepts from input
 * (`count()`, `bytes()`), i.e. the largest thing a parser could allocate from one field. Null in production.
 */
let sizeProbe: ((n: number) => void) | null = null;
export function setReaderSizeProbe(probe: ((n: number) => void) | null): void {
  sizeProbe = probe;
}

const TEXT_ENCODER = new TextEncoder();
const TEXT_DECODER = new TextDecoder('utf-8', { fatal: true });

abstract class BaseSyntax {
  protected pathStack: string[] = [];
  protected bitBuffer = 0;
  protected bitCount = 0;

  protected path(): string {
    return this.pathStack.join('/');
  }

  abstract position(): number;

  fail(details: ContainerErrorDetails, message: string, at = this.position()): never {
    throw new ContainerError(details, this.path(), at, message);
  }

  protected checkValue(name: string, v: number | undefined, max: number, signedMin = 0): number {
    if (v === undefined || !Number.isInteger(v) || v < signedMin || v > max) {
      this.fail('bad-value', `cannot write ${name} = ${v}: not an integer in [${signedMin}, ${max}]`);
    }
    return v;
  }
}

export class ReadSyntax extends BaseSyntax implements Syntax {
  readonly reading = true;
  private readonly view: DataView;
  private pos: number;
  private readonly ends: number[] = [];

  constructor(
    private readonly data: Uint8Array,
    start = 0,
    end = data.length,
  ) {
    super();
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.pos = start;
    this.ends.push(end);
  }

  position(): number {
    return this.pos;
  }

  private end(): number {
    return this.ends[this.ends.length - 1];
  }

  remaining(): number {
    return this.end() - this.pos;
  }

  private need(n: number, name: string): number {
    if (this.bitCount !== 0) this.fail('bad-value', `${name} read while ${this.bitCount} bits are pending`);
    if (n > this.remaining()) {
      this.fail('truncated', `${name} needs ${n} bytes, ${this.remaining()} remain`);
    }
    const p = this.pos;
    this.pos += n;
    return p;
  }

  enter(box: string, end?: number): void {
    this.pathStack.push(box);
    const e = end ?? this.end();
    if (e > this.end() || e < this.pos)
      this.fail('bad-size', `box ends at ${e}, outside its container (${this.end()})`);
    this.ends.push(e);
  }

  leave(): void {
    this.ends.pop();
    this.pathStack.pop();
  }

  u8(name: string): number {
    return this.view.getUint8(this.need(1, name));
  }
  u16(name: string): number {
    return this.view.getUint16(this.need(2, name));
  }
  u24(name: string): number {
    const p = this.need(3, name);
    return (this.view.getUint16(p) << 8) | this.view.getUint8(p + 2);
  }
  u32(name: string): number {
    return this.view.getUint32(this.need(4, name));
  }
  u64(name: string): number {
    const p = this.need(8, name);
    const hi = this.view.getUint32(p);
    const lo = this.view.getUint32(p + 4);
    if (hi >= 0x200000) {
      this.pos = p;
      this.fail('limit-exceeded', `${name} = 2^32·${hi} + ${lo} exceeds 2^53 − 1`);
    }
    return hi * 0x100000000 + lo;
  }
  i16(name: string): number {
    return this.view.getInt16(this.need(2, name));
  }
  i32(name: string): number {
    return this.view.getInt32(this.need(4, name));
  }
  f32(name: string): number {
    return this.view.getFloat32(this.need(4, name));
  }
  bits(name: string, n: number): number {
    let v = 0;
    let left = n;
    while (left > 0) {
      if (this.bitCount === 0) {
        if (this.remaining() < 1) this.fail('truncated', `${name} needs ${left} more bits`);
        this.bitBuffer = this.data[this.pos++];
        this.bitCount = 8;
      }
      // Take as many bits as the current byte still holds (up to 8 at once).
      const take = Math.min(left, this.bitCount);
      this.bitCount -= take;
      v = v * (1 << take) + ((this.bitBuffer >> this.bitCount) & ((1 << take) - 1));
      left -= take;
    }
    return v;
  }
  align(name = 'alignment'): void {
    if (this.bitCount !== 0 && (this.bitBuffer & ((1 << this.bitCount) - 1)) !== 0) {
      this.fail('bad-value', `${name}: padding bits are not zero`);
    }
    this.bitCount = 0;
  }
  fourcc(name: string): string {
    const p = this.need(4, name);
    return String.fromCharCode(this.data[p], this.data[p + 1], this.data[p + 2], this.data[p + 3]);
  }
  bytes(name: string, length: number): Uint8Array {
    if (!Number.isInteger(length) || length < 0) this.fail('bad-size', `${name} has length ${length}`);
    const p = this.need(length, name);
    if (sizeProbe) sizeProbe(length);
    return this.data.subarray(p, p + length);
  }
  cstring(name: string): string {
    const end = this.end();
    let q = this.pos;
    while (q < end && this.data[q] !== 0) q++;
    if (q >= end) this.fail('truncated', `${name}: string has no terminating zero`);
    let text: string;
    try {
      text = TEXT_DECODER.decode(this.data.subarray(this.pos, q));
    } catch {
      this.fail('bad-value', `${name}: not valid UTF-8`);
    }
    this.pos = q + 1;
    return text;
  }
  pstring(name: string, fieldBytes: number): string {
    const p = this.need(fieldBytes, name);
    const length = this.data[p];
    const fail = (why: string): never => {
      this.pos = p;
      return this.fail('bad-value', `${name}: ${why}`);
    };
    if (length > fieldBytes - 1) fail(`length ${length} exceeds the ${fieldBytes - 1} bytes of the field`);
    for (let i = p + 1 + length; i < p + fieldBytes; i++) if (this.data[i] !== 0) fail('padding is not zero');
    try {
      return TEXT_DECODER.decode(this.data.subarray(p + 1, p + 1 + length));
    } catch {
      return fail('not valid UTF-8');
    }
  }
  count(name: string, bits: 8 | 16 | 32, minItemBytes: number): number {
    const n = bits === 8 ? this.u8(name) : bits === 16 ? this.u16(name) : this.u32(name);
    if (n * minItemBytes > this.remaining()) {
      this.pos -= bits / 8;
      this.fail(
        'limit-exceeded',
        `${name} = ${n} needs at least ${n * minItemBytes} bytes, ${this.remaining() - bits / 8} remain`,
      );
    }
    if (sizeProbe) sizeProbe(n);
    return n;
  }
}

export class WriteSyntax extends BaseSyntax implements Syntax {
  readonly reading = false;
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  private pos = 0;

  position(): number {
    return this.pos;
  }
  remaining(): number {
    return Number.POSITIVE_INFINITY;
  }
  enter(box: string): void {
    this.pathStack.push(box);
  }
  leave(): void {
    this.pathStack.pop();
  }

  /** The bytes written so far (a copy trimmed to length). */
  finish(): Uint8Array {
    if (this.bitCount !== 0) this.fail('bad-value', 'bit fields do not end on a byte boundary');
    return this.buf.slice(0, this.pos);
  }

  /** Overwrites a big-endian u32 at an earlier position (box sizes are known only after the payload). */
  patchU32(at: number, v: number): void {
    this.view.setUint32(at, v);
  }

  /** Overwrites a big-endian u64 (at most 2^53 − 1) at an earlier position (`largesize`). */
  patchU64(at: number, v: number): void {
    this.view.setUint32(at, Math.floor(v / 0x100000000));
    this.view.setUint32(at + 4, v >>> 0);
  }

  private grow(n: number): number {
    if (this.bitCount !== 0) this.fail('bad-value', 'byte field written while bit fields are pending');
    if (this.pos + n > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.pos + n) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(0, this.pos));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    const p = this.pos;
    this.pos += n;
    this.fieldStart = p;
    return p;
  }

  /** Start offset of the most recent byte-aligned field (for printing). */
  protected fieldStart = 0;

  protected record(_name: string, _v: unknown): void {}

  u8(name: string, v?: number): number {
    const x = this.checkValue(name, v, 0xff);
    const at = this.grow(1); // before reading this.view: grow() may replace it
    this.view.setUint8(at, x);
    this.record(name, x);
    return x;
  }
  u16(name: string, v?: number): number {
    const x = this.checkValue(name, v, 0xffff);
    const at = this.grow(2); // before reading this.view: grow() may replace it
    this.view.setUint16(at, x);
    this.record(name, x);
    return x;
  }
  u24(name: string, v?: number): number {
    const x = this.checkValue(name, v, 0xffffff);
    const p = this.grow(3);
    this.view.setUint16(p, x >>> 8);
    this.view.setUint8(p + 2, x & 0xff);
    this.record(name, x);
    return x;
  }
  u32(name: string, v?: number): number {
    const x = this.checkValue(name, v, 0xffffffff);
    const at = this.grow(4); // before reading this.view: grow() may replace it
    this.view.setUint32(at, x);
    this.record(name, x);
    return x;
  }
  u64(name: string, v?: number): number {
    const x = this.checkValue(name, v, Number.MAX_SAFE_INTEGER);
    const p = this.grow(8);
    this.view.setUint32(p, Math.floor(x / 0x100000000));
    this.view.setUint32(p + 4, x >>> 0);
    this.record(name, x);
    return x;
  }
  i16(name: string, v?: number): number {
    const x = this.checkValue(name, v, 0x7fff, -0x8000);
    const at = this.grow(2); // before reading this.view: grow() may replace it
    this.view.setInt16(at, x);
    this.record(name, x);
    return x;
  }
  i32(name: string, v?: number): number {
    const x = this.checkValue(name, v, 0x7fffffff, -0x80000000);
    const at = this.grow(4); // before reading this.view: grow() may replace it
    this.view.setInt32(at, x);
    this.record(name, x);
    return x;
  }
  f32(name: string, v?: number): number {
    if (v === undefined || Number.isNaN(v)) this.fail('bad-value', `cannot write ${name} = ${v}`);
    const at = this.grow(4); // before reading this.view: grow() may replace it
    this.view.setFloat32(at, v);
    const x = Math.fround(v);
    this.record(name, x);
    return x;
  }
  bits(name: string, n: number, v?: number): number {
    const x = this.checkValue(name, v, 2 ** n - 1);
    for (let i = n - 1; i >= 0; i--) {
      this.bitBuffer = (this.bitBuffer << 1) | (Math.floor(x / 2 ** i) & 1);
      this.bitCount++;
      if (this.bitCount === 8) {
        this.bitCount = 0;
        const b = this.bitBuffer & 0xff;
        this.bitBuffer = 0;
        const at = this.grow(1); // before reading this.view: grow() may replace it
        this.view.setUint8(at, b);
      }
    }
    this.record(name, x);
    return x;
  }
  align(): void {
    if (this.bitCount !== 0) {
      const b = (this.bitBuffer << (8 - this.bitCount)) & 0xff;
      this.bitCount = 0;
      this.bitBuffer = 0;
      const at = this.grow(1); // before reading this.view: grow() may replace it
      this.view.setUint8(at, b);
    }
  }
  fourcc(name: string, v?: string): string {
    if (v === undefined || v.length !== 4)
      this.fail('bad-value', `cannot write ${name} = '${v}': not a fourcc`);
    const p = this.grow(4);
    for (let i = 0; i < 4; i++) this.buf[p + i] = v.charCodeAt(i) & 0xff;
    this.record(name, v);
    return v;
  }
  bytes(name: string, length: number, v?: Uint8Array): Uint8Array {
    if (!v || v.length !== length)
      this.fail('bad-value', `${name}: expected ${length} bytes, got ${v?.length}`);
    const p = this.grow(length); // grow() may replace this.buf, so it must run before this.buf is read
    this.buf.set(v, p);
    this.record(name, v);
    return v;
  }
  cstring(name: string, v?: string): string {
    if (v === undefined || v.includes('\0'))
      this.fail('bad-value', `${name}: cannot write ${JSON.stringify(v)}`);
    const enc = TEXT_ENCODER.encode(v);
    const p = this.grow(enc.length + 1);
    this.buf.set(enc, p);
    this.buf[p + enc.length] = 0;
    this.record(name, v);
    return v;
  }
  pstring(name: string, fieldBytes: number, v?: string): string {
    const enc = v === undefined ? undefined : TEXT_ENCODER.encode(v);
    if (!enc || enc.length > fieldBytes - 1)
      this.fail('bad-value', `${name}: cannot write ${JSON.stringify(v)} in ${fieldBytes} bytes`);
    const p = this.grow(fieldBytes);
    this.buf.fill(0, p, p + fieldBytes);
    this.buf[p] = enc.length;
    this.buf.set(enc, p + 1);
    this.record(name, v);
    return v as string;
  }
  count(name: string, bits: 8 | 16 | 32, _minItemBytes: number, v?: number): number {
    return bits === 8 ? this.u8(name, v) : bits === 16 ? this.u16(name, v) : this.u32(name, v);
  }
}

export interface PrintedField {
  depth: number;
  box: string;
  name: string;
  value: string;
  /** Byte offset of the field (of the box, for the line `enter` records) in the written output. */
  offset: number;
}

/** Writes (to walk the same syntax) and records each element for `lirn info`. */
export class PrintSyntax extends WriteSyntax {
  readonly fields: PrintedField[] = [];
  override enter(box: string): void {
    super.enter(box);
    this.fields.push({ depth: this.pathStack.length - 1, box, name: '', value: '', offset: this.position() });
  }
  protected override record(name: string, v: unknown): void {
    let value: string;
    if (v instanceof Uint8Array) value = `<${v.length} bytes>`;
    else value = String(v);
    this.fields.push({
      depth: this.pathStack.length,
      box: this.path(),
      name,
      value,
      offset: this.fieldStart,
    });
  }
  /** Patched values (box sizes) replace the placeholder recorded for the field at that offset. */
  override patchU32(at: number, v: number): void {
    super.patchU32(at, v);
    this.patchRecord(at, v);
  }
  override patchU64(at: number, v: number): void {
    super.patchU64(at, v);
    this.patchRecord(at, v);
  }
  private patchRecord(at: number, v: number): void {
    for (let i = this.fields.length - 1; i >= 0; i--) {
      const f = this.fields[i];
      if (f.name !== '' && f.offset === at) {
        f.value = String(v);
        return;
      }
    }
  }
}
