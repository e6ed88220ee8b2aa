/**
 * Per-frame embeddings from a file's bytes (the `--align-features FILE` and `--vector FILE` inputs):
 *   - NumPy .npy (v1–v3): little-endian float32 or float64, C order, shape [frames, F] (or [F]: one vector);
 *   - JSON: [[…], …] or [...] or { "space": "…", "features": [[…], …] } (also "vector" or "embedding");
 *   - MessagePack: the same structures as JSON; rows may also be Float32Array/Float64Array (msgpackr typed arrays).
 * Lengths are checked against the bytes present before anything is allocated. Platform-neutral.
 */
import { unpack } from 'msgpackr';
import { AlignError } from './errors.js';
import { type FeatureTable, validateFeatures } from './features.js';
import { MAX_ALIGN_DIM } from './projection.js';

export interface FeatureFile {
  table: FeatureTable;
  /** The feature space the file declares ('space' key), if any. */
  space?: string;
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
/** Rows a feature file may hold (bounds what a hostile file can make us allocate through JSON/msgpack). */
export const MAX_FEATURE_ROWS = 1 << 24;

export function parseFeatureFile(bytes: Uint8Array, name = 'features'): FeatureFile {
  if (NPY_MAGIC.every((b, i) => bytes[i] === b)) return { table: parseNpy(bytes, name) };
  let i = 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  let value: unknown;
  if (bytes[i] === 0x5b || bytes[i] === 0x7b) {
    try {
      value = JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      throw new AlignError(`${name}: not valid JSON (${(e as Error).message})`);
    }
  } else {
    try {
      value = unpack(bytes);
    } catch (e) {
      throw new AlignError(`${name}: neither .npy, JSON nor MessagePack (${(e as Error).message})`);
    }
  }
  return fromValue(value, name);
}

function fromValue(value: unknown, name: string): FeatureFile {
  let space: string | undefined;
  let rows: unknown = value;
  if (value && typeof value === 'object' && !Array.isArray(value) && !ArrayBuffer.isView(value)) {
    const o = value as Record<string, unknown>;
    if (o.space !== undefined) {
      if (typeof o.space !== 'string') throw new AlignError(`${name}: 'space' must be a string`);
      space = o.space;
    }
    rows = o.features ?? o.vector ?? o.embedding;
    if (rows === undefined)
      throw new AlignError(`${name}: expected a 'features', 'vector' or 'embedding' key`);
  }
  const list = asRows(rows, name);
  if (list.length === 0) throw new AlignError(`${name}: no feature vectors`);
  if (list.length > MAX_FEATURE_ROWS) throw new AlignError(`${name}: more than ${MAX_FEATURE_ROWS} rows`);
  const dim = lengthOf(list[0], name, 0);
  if (dim < 1 || dim > MAX_ALIGN_DIM)
    throw new AlignError(`${name}: vector length ${dim} is outside 1..${MAX_ALIGN_DIM}`);
  const data = new Float32Array(list.length * dim);
  list.forEach((row, r) => {
    if (lengthOf(row, name, r) !== dim)
      throw new AlignError(`${name}: row ${r} has ${lengthOf(row, name, r)} values, row 0 has ${dim}`);
    const arr = row as ArrayLike<unknown>;
    for (let k = 0; k < dim; k++) {
      const x = arr[k];
      if (typeof x !== 'number' || !Number.isFinite(x))
        throw new AlignError(`${name}: row ${r} value ${k} is not a finite number`);
      data[r * dim + k] = x;
    }
  });
  return { table: validateFeatures({ rows: list.length, dim, data }, name), space };
}

function isVector(v: unknown): boolean {
  return (
    (Array.isArray(v) && v.length > 0 && typeof v[0] === 'number') ||
    v instanceof Float32Array ||
    v instanceof Float64Array
  );
}

function asRows(v: unknown, name: string): unknown[] {
  if (isVector(v)) return [v];
  if (Array.isArray(v)) return v;
  throw new AlignError(`${name}: expected a list of vectors`);
}

function lengthOf(row: unknown, name: string, r: number): number {
  if (!isVector(row)) throw new AlignError(`${name}: row ${r} is not a list of numbers`);
  return (row as ArrayLike<number>).length;
}

function parseNpy(bytes: Uint8Array, name: string): FeatureTable {
  const fail = (why: string): never => {
    throw new AlignError(`${name}: .npy ${why}`);
  };
  if (bytes.length < 10) fail('file is truncated');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('file is truncated');
    headerLen = view.getUint32(8, true);
    start = 12;
  } else return fail(`version ${major} is not supported`);
  if (start + headerLen > bytes.length) fail('header runs past the end of the file');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(start, start + headerLen),
  );
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    fail('header lacks descr, fortran_order or shape');
  if (fortran === 'True') fail('Fortran order is not supported (save a C-ordered array)');
  const item =
    descr === '<f4'
      ? 4
      : descr === '<f8'
        ? 8
        : fail(`dtype '${descr}' is not supported (float32 or float64, little-endian)`);
  const shape = shapeText!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : fail(`shape entry '${s}' is not an integer`)));
  if (shape.length < 1 || shape.length > 2) fail(`shape (${shape}) must be [frames, F] or [F]`);
  const [rows, dim] = shape.length === 2 ? shape : [1, shape[0]];
  if (dim < 1 || dim > MAX_ALIGN_DIM) fail(`feature dimension ${dim} is outside 1..${MAX_ALIGN_DIM}`);
  const dataStart = start + headerLen;
  const available = bytes.length - dataStart;
  if (rows * dim * item !== available)
    fail(`shape (${shape}) needs ${rows * dim * item} data bytes, the file has ${available}`);
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++)
    data[i] =
      item === 4 ? view.getFloat32(dataStart + 4 * i, true) : view.getFloat64(dataStart + 8 * i, true);
  return validateFeatures({ rows, dim, data }, name);
}

/** A float32 .npy file of `t` (shape [rows, dim]), e.g. for exporting features. */
export function encodeNpy(t: FeatureTable): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${t.rows}, ${t.dim}), }`;
  const unpadded = 10 + header.length + 1;
  header += `${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const out = new Uint8Array(10 + header.length + t.data.length * 4);
  out.set(NPY_MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const dataStart = 10 + header.length;
  for (let i = 0; i < t.data.length; i++) view.setFloat32(dataStart + 4 * i, t.data[i], true);
  return out;
}
