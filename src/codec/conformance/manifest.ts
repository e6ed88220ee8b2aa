/**
 * The conformance manifest (spec/06-conformance.md §6.4): what every vector must decode to. JSON with the
 * spec's snake_case names; `parseManifest` checks its shape so a damaged manifest gives a clear error instead of
 * a check that silently passes.
 */
import type { ContainerErrorDetails } from '../../container/errors.js';

export const MANIFEST_FORMAT = 'lirn-conformance';
export const MANIFEST_VERSION = 1;

export interface ManifestBound {
  /** Smallest PSNR (dB, 8-bit RGB, peak 255) of a conforming decoder's frame against the reference frame. */
  min_psnr_db: number;
  /** Largest difference of any sample from the reference frame, in 8-bit levels. */
  max_sample_diff: number;
}

export interface TensorEntry {
  name: string;
  shape: number[];
  /** Quantization of the tensor as coded (informative). */
  bits: number;
  mode: 'tensor' | 'channel';
  /** sha256 of the dequantized float32 values, 4 little-endian bytes each, row-major. */
  sha256: string;
}

export interface ChunkEntry {
  first_frame: number;
  frame_count: number;
  /** Size the chunk's model was trained at (sample entry). */
  width: number;
  height: number;
  tensors: TensorEntry[];
}

export interface FrameEntry {
  /** Chunk index and frame time inside the chunk (spec §3.6: t = n − first_frame), fractional allowed. */
  chunk: number;
  t: number;
  width: number;
  height: number;
  /** Byte offset of the reference frame (width·height·3 bytes, RGB, row-major) in the reference frame file. */
  offset: number;
  /** sha256 of the reference decoder's 8-bit RGB output. */
  sha256: string;
}

export interface VectorEntry {
  file: string;
  sha256: string;
  bytes: number;
  description: string;
  covers: string[];
  frame_count: number;
  display_width: number;
  display_height: number;
  chunks: ChunkEntry[];
  reference_frames: { file: string; sha256: string; bytes: number };
  frames: FrameEntry[];
}

export type MalformedStage = 'read' | 'decode';

export interface MalformedEntry {
  file: string;
  sha256: string;
  bytes: number;
  derived_from: string;
  /** What was changed, in words. */
  mutation: string;
  /** `read`: the container reader rejects it; `decode`: it parses, and entropy decoding/dequantization rejects it. */
  stage: MalformedStage;
  error: { details: ContainerErrorDetails; box: string; offset: number };
}

export interface ConformanceManifest {
  format: typeof MANIFEST_FORMAT;
  version: typeof MANIFEST_VERSION;
  bound: ManifestBound;
  vectors: VectorEntry[];
  malformed: MalformedEntry[];
}

export class ManifestError extends Error {
  override name = 'ManifestError';
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(`manifest ${where}: ${message}`);
  }
}

const ERROR_DETAILS: readonly string[] = [
  'truncated',
  'bad-size',
  'bad-value',
  'limit-exceeded',
  'wrong-order',
  'unsupported',
];
const SHA256 = /^[0-9a-f]{64}$/;

type Obj = Record<string, unknown>;

function obj(v: unknown, where: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ManifestError(where, 'expected an object');
  return v as Obj;
}
function arr(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new ManifestError(where, 'expected an array');
  return v;
}
function str(o: Obj, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new ManifestError(`${where}.${key}`, 'expected a string');
  return v;
}
function hash(o: Obj, key: string, where: string): string {
  const v = str(o, key, where);
  if (!SHA256.test(v)) throw new ManifestError(`${where}.${key}`, 'expected 64 lower-case hex digits');
  return v;
}
function num(o: Obj, key: string, where: string, integer = true): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && (!Number.isInteger(v) || v < 0))) {
    throw new ManifestError(
      `${where}.${key}`,
      integer ? 'expected a non-negative integer' : 'expected a number',
    );
  }
  return v;
}
function fileName(o: Obj, key: string, where: string): string {
  const v = str(o, key, where);
  // Names are plain files beside the manifest: no directories, so a manifest cannot point elsewhere.
  if (!/^[A-Za-z0-9._-]+$/.test(v) || v.startsWith('.'))
    throw new ManifestError(`${where}.${key}`, `'${v}' is not a plain file name`);
  return v;
}

function parseTensor(v: unknown, where: string): TensorEntry {
  const o = obj(v, where);
  const mode = str(o, 'mode', where);
  if (mode !== 'tensor' && mode !== 'channel')
    throw new ManifestError(`${where}.mode`, `unknown mode '${mode}'`);
  return {
    name: str(o, 'name', where),
    shape: arr(o.shape, `${where}.shape`).map((d, i) => num({ d }, 'd', `${where}.shape[${i}]`)),
    bits: num(o, 'bits', where),
    mode,
    sha256: hash(o, 'sha256', where),
  };
}

function parseChunk(v: unknown, where: string): ChunkEntry {
  const o = obj(v, where);
  return {
    first_frame: num(o, 'first_frame', where),
    frame_count: num(o, 'frame_count', where),
    width: num(o, 'width', where),
    height: num(o, 'height', where),
    tensors: arr(o.tensors, `${where}.tensors`).map((t, i) => parseTensor(t, `${where}.tensors[${i}]`)),
  };
}

function parseFrame(v: unknown, where: string): FrameEntry {
  const o = obj(v, where);
  return {
    chunk: num(o, 'chunk', where),
    t: num(o, 't', where, false),
    width: num(o, 'width', where),
    height: num(o, 'height', where),
    offset: num(o, 'offset', where),
    sha256: hash(o, 'sha256', where),
  };
}

function parseVector(v: unknown, where: string): VectorEntry {
  const o = obj(v, where);
  const ref = obj(o.reference_frames, `${where}.reference_frames`);
  return {
    file: fileName(o, 'file', where),
    sha256: hash(o, 'sha256', where),
    bytes: num(o, 'bytes', where),
    description: str(o, 'description', where),
    covers: arr(o.covers, `${where}.covers`).map((c, i) => str({ c }, 'c', `${where}.covers[${i}]`)),
    frame_count: num(o, 'frame_count', where),
    display_width: num(o, 'display_width', where),
    display_height: num(o, 'display_height', where),
    chunks: arr(o.chunks, `${where}.chunks`).map((c, i) => parseChunk(c, `${where}.chunks[${i}]`)),
    reference_frames: {
      file: fileName(ref, 'file', `${where}.reference_frames`),
      sha256: hash(ref, 'sha256', `${where}.reference_frames`),
      bytes: num(ref, 'bytes', `${where}.reference_frames`),
    },
    frames: arr(o.frames, `${where}.frames`).map((f, i) => parseFrame(f, `${where}.frames[${i}]`)),
  };
}

function parseMalformed(v: unknown, where: string): MalformedEntry {
  const o = obj(v, where);
  const stage = str(o, 'stage', where);
  if (stage !== 'read' && stage !== 'decode')
    throw new ManifestError(`${where}.stage`, `unknown stage '${stage}'`);
  const e = obj(o.error, `${where}.error`);
  const details = str(e, 'details', `${where}.error`);
  if (!ERROR_DETAILS.includes(details))
    throw new ManifestError(`${where}.error.details`, `unknown error details '${details}'`);
  return {
    file: fileName(o, 'file', where),
    sha256: hash(o, 'sha256', where),
    bytes: num(o, 'bytes', where),
    derived_from: str(o, 'derived_from', where),
    mutation: str(o, 'mutation', where),
    stage,
    error: {
      details: details as ContainerErrorDetails,
      box: str(e, 'box', `${where}.error`),
      offset: num(e, 'offset', `${where}.error`),
    },
  };
}

/** Checks the manifest's structure (not its hashes) and returns it typed. */
export function parseManifest(json: unknown): ConformanceManifest {
  const o = obj(json, '(root)');
  if (o.format !== MANIFEST_FORMAT) throw new ManifestError('format', `expected '${MANIFEST_FORMAT}'`);
  if (o.version !== MANIFEST_VERSION) throw new ManifestError('version', `expected ${MANIFEST_VERSION}`);
  const b = obj(o.bound, 'bound');
  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    bound: {
      min_psnr_db: num(b, 'min_psnr_db', 'bound', false),
      max_sample_diff: num(b, 'max_sample_diff', 'bound'),
    },
    vectors: arr(o.vectors, 'vectors').map((v, i) => parseVector(v, `vectors[${i}]`)),
    malformed: arr(o.malformed, 'malformed').map((m, i) => parseMalformed(m, `malformed[${i}]`)),
  };
}

export type ManifestEntry =
  | { kind: 'vector'; entry: VectorEntry }
  | { kind: 'malformed'; entry: MalformedEntry };

/** The entry for a file, by its file name or, failing that, by the sha256 of its bytes. */
export function findEntry(manifest: ConformanceManifest, name: string, sha256: string): ManifestEntry | null {
  const all: ManifestEntry[] = [
    ...manifest.vectors.map((entry) => ({ kind: 'vector' as const, entry })),
    ...manifest.malformed.map((entry) => ({ kind: 'malformed' as const, entry })),
  ];
  return all.find((e) => e.entry.file === name) ?? all.find((e) => e.entry.sha256 === sha256) ?? null;
}
