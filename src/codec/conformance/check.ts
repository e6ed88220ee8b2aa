/**
 * Checks one file against its manifest entry (spec/06-conformance.md): the file's bytes, its structure, every
 * dequantized tensor (bit-exact), and every listed frame of a decoder under test against the reference frames
 * (PSNR bound, exact checksum reported). Malformed vectors must be rejected with the listed error.
 */
import { ContainerError } from '../../container/errors.js';
import type { LirnFile } from '../../container/lirn-file.js';
import { readLirnFile } from '../../container/read-file.js';
import type { Model } from '../model/model.js';
import { toRgb8 } from '../render/output.js';
import { createRenderer } from '../render/renderer.js';
import { compareFrames8, type FrameComparison, withinBound } from './frames.js';
import type { MalformedEntry, MalformedStage, ManifestBound, VectorEntry } from './manifest.js';
import { sha256Hex } from './sha256.js';
import { decodeChunkForConformance, tensorHashes } from './tensors.js';

export type CheckStatus = 'pass' | 'fail' | 'skip';
export type CheckKind = 'file' | 'structure' | 'tensor' | 'frame' | 'error';

export interface CheckResult {
  kind: CheckKind;
  /** What was checked, e.g. `chunk 1 base.0.weight` or `chunk 0 t=2.5 96x64`. */
  subject: string;
  status: CheckStatus;
  detail: string;
  /** Frame checks: the comparison with the reference frame. */
  frame?: FrameComparison;
}

/** A renderer opened for one chunk's model. */
export interface OpenedRenderer {
  renderFrame(t: number, width: number, height: number): Float32Array;
  dispose?(): void;
}

/** The stage-3 implementation being checked (stages 1–2 always run the normative code of src/codec/coding). */
export interface DecoderUnderTest {
  name: string;
  /** A renderer for the model, or why this decoder cannot render it (its frame checks are then skipped). */
  open(model: Model): OpenedRenderer | string;
}

export const referenceDecoder: DecoderUnderTest = {
  name: 'reference',
  open: (model) => createRenderer(model),
};

export interface VectorInput {
  bytes: Uint8Array;
  /** The vector's reference frame file, or null when it is not available. */
  referenceFrames: Uint8Array | null;
}

const short = (h: string) => h.slice(0, 16);

function describe(e: unknown): string {
  if (e instanceof ContainerError)
    return `ContainerError ${e.details} at ${e.box || '(file)'} @ ${e.offset}: ${e.message}`;
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function hashCheck(kind: CheckKind, subject: string, actual: string, expected: string): CheckResult {
  const ok = actual === expected;
  return {
    kind,
    subject,
    status: ok ? 'pass' : 'fail',
    detail: ok
      ? `sha256 ${short(actual)}… matches`
      : `sha256 ${short(actual)}… ≠ expected ${short(expected)}…`,
  };
}

function structureChecks(file: LirnFile, entry: VectorEntry): CheckResult[] {
  const fields: Array<[string, string | number, string | number]> = [
    ['frame_count', file.frameCount, entry.frame_count],
    [
      'display size',
      `${file.displayWidth}x${file.displayHeight}`,
      `${entry.display_width}x${entry.display_height}`,
    ],
    ['chunks', file.chunks.length, entry.chunks.length],
  ];
  entry.chunks.forEach((c, k) => {
    const chunk = file.chunks[k];
    if (!chunk) return;
    fields.push(
      [`chunk ${k} first_frame`, chunk.firstFrame, c.first_frame],
      [`chunk ${k} frame_count`, chunk.frameCount, c.frame_count],
      [`chunk ${k} size`, `${chunk.width}x${chunk.height}`, `${c.width}x${c.height}`],
    );
  });
  const wrong = fields.filter(([, actual, expected]) => actual !== expected);
  return [
    {
      kind: 'structure',
      subject: 'file',
      status: wrong.length ? 'fail' : 'pass',
      detail: wrong.length
        ? wrong.map(([name, a, e]) => `${name} ${a} ≠ ${e}`).join('; ')
        : `${file.frameCount} frames, ${file.chunks.length} chunk(s), ${file.segments.length} segment(s)`,
    },
  ];
}

function tensorChecks(model: Model, k: number, expected: VectorEntry['chunks'][number]): CheckResult[] {
  const out: CheckResult[] = [];
  const actual = tensorHashes(model);
  const names = new Set(actual.map((t) => t.name));
  for (const exp of expected.tensors) {
    const subject = `chunk ${k} ${exp.name}`;
    const got = actual.find((t) => t.name === exp.name);
    if (!got) {
      out.push({ kind: 'tensor', subject, status: 'fail', detail: 'the decoded chunk has no such tensor' });
    } else if (got.shape.join('x') !== exp.shape.join('x')) {
      out.push({ kind: 'tensor', subject, status: 'fail', detail: `shape [${got.shape}] ≠ [${exp.shape}]` });
    } else {
      out.push(hashCheck('tensor', subject, got.sha256, exp.sha256));
    }
    names.delete(exp.name);
  }
  for (const extra of names) {
    out.push({
      kind: 'tensor',
      subject: `chunk ${k} ${extra}`,
      status: 'fail',
      detail: 'not in the manifest',
    });
  }
  return out;
}

/** All checks of a valid vector; never throws for bad input (problems become failed checks). */
export function checkVector(
  input: VectorInput,
  entry: VectorEntry,
  bound: ManifestBound,
  decoder: DecoderUnderTest = referenceDecoder,
): CheckResult[] {
  const results: CheckResult[] = [hashCheck('file', entry.file, sha256Hex(input.bytes), entry.sha256)];
  const refFrames = input.referenceFrames;
  if (refFrames) {
    results.push(
      hashCheck('file', entry.reference_frames.file, sha256Hex(refFrames), entry.reference_frames.sha256),
    );
  }
  let file: LirnFile;
  try {
    file = readLirnFile(input.bytes);
  } catch (e) {
    results.push({ kind: 'structure', subject: 'read', status: 'fail', detail: describe(e) });
    return results;
  }
  results.push(...structureChecks(file, entry));

  const models: Array<Model | null> = [];
  entry.chunks.forEach((expected, k) => {
    if (k >= file.chunks.length) return;
    try {
      const model = decodeChunkForConformance(file, k, input.bytes);
      models[k] = model;
      results.push(...tensorChecks(model, k, expected));
    } catch (e) {
      models[k] = null;
      results.push({
        kind: 'tensor',
        subject: `chunk ${k}`,
        status: 'fail',
        detail: `decoding failed: ${describe(e)}`,
      });
    }
  });

  const renderers = new Map<number, OpenedRenderer | string>();
  const boundText = `bound ≥ ${bound.min_psnr_db} dB, ≤ ${bound.max_sample_diff} levels`;
  try {
    for (const f of entry.frames) {
      const subject = `chunk ${f.chunk} t=${f.t} ${f.width}x${f.height}`;
      const model = models[f.chunk];
      if (!model) {
        results.push({ kind: 'frame', subject, status: 'fail', detail: 'its chunk did not decode' });
        continue;
      }
      let renderer = renderers.get(f.chunk);
      if (renderer === undefined) {
        try {
          renderer = decoder.open(model);
        } catch (e) {
          renderer = `${decoder.name} failed to open the model: ${describe(e)}`;
        }
        renderers.set(f.chunk, renderer);
      }
      if (typeof renderer === 'string') {
        results.push({ kind: 'frame', subject, status: 'skip', detail: renderer });
        continue;
      }
      let frame: Uint8Array;
      try {
        frame = toRgb8(renderer.renderFrame(f.t, f.width, f.height));
      } catch (e) {
        results.push({ kind: 'frame', subject, status: 'fail', detail: `render failed: ${describe(e)}` });
        continue;
      }
      const size = f.width * f.height * 3;
      const reference =
        refFrames && f.offset + size <= refFrames.length
          ? refFrames.subarray(f.offset, f.offset + size)
          : null;
      if (frame.length !== size) {
        results.push({
          kind: 'frame',
          subject,
          status: 'fail',
          detail: `${frame.length} samples, expected ${size}`,
        });
        continue;
      }
      let cmp: FrameComparison;
      if (reference) {
        cmp = compareFrames8(frame, reference, f.sha256);
      } else {
        // Without the reference frame file only an exact match (by checksum) can be judged.
        const sha256 = sha256Hex(frame);
        const exact = sha256 === f.sha256;
        cmp = {
          exact,
          sha256,
          psnr: exact ? Number.POSITIVE_INFINITY : Number.NaN,
          maxDiff: exact ? 0 : Number.NaN,
          differing: exact ? 0 : Number.NaN,
        };
      }
      const ok = withinBound(cmp, { minPsnr: bound.min_psnr_db, maxDiff: bound.max_sample_diff });
      const psnr = cmp.psnr === Number.POSITIVE_INFINITY ? '∞' : cmp.psnr.toFixed(2);
      results.push({
        kind: 'frame',
        subject,
        status: ok ? 'pass' : 'fail',
        detail:
          `PSNR ${psnr} dB, max diff ${cmp.maxDiff}, ${cmp.differing} samples differ (${boundText}); ` +
          `8-bit checksum ${cmp.exact ? 'exact' : 'differs'}${reference ? '' : ' (no reference frame to compare with)'}`,
        frame: cmp,
      });
    }
  } finally {
    for (const r of renderers.values()) if (typeof r !== 'string') r.dispose?.();
  }
  return results;
}

/** Runs stages 1–2 on a malformed vector: it must be rejected at the listed stage with the listed error. */
export function checkMalformed(bytes: Uint8Array, entry: MalformedEntry): CheckResult[] {
  const results: CheckResult[] = [hashCheck('file', entry.file, sha256Hex(bytes), entry.sha256)];
  const { error } = rejectionOf(bytes);
  const expected = `${entry.stage}: ${entry.error.details} at ${entry.error.box} @ ${entry.error.offset}`;
  let status: CheckStatus = 'fail';
  let detail: string;
  if (!error) {
    detail = `accepted; expected ${expected}`;
  } else if (!(error.error instanceof ContainerError)) {
    detail = `failed with ${describe(error.error)} instead of a ContainerError (${expected})`;
  } else {
    const e = error.error;
    const got = `${error.stage}: ${e.details} at ${e.box} @ ${e.offset}`;
    status = got === expected ? 'pass' : 'fail';
    detail =
      status === 'pass'
        ? `rejected as expected: ${e.message}`
        : `got ${got} (${e.message}); expected ${expected}`;
  }
  results.push({ kind: 'error', subject: entry.file, status, detail });
  return results;
}

/** How the normative decoding stages 1–2 reject `bytes`, if they do. */
export function rejectionOf(bytes: Uint8Array): { error: { stage: MalformedStage; error: unknown } | null } {
  let file: LirnFile;
  try {
    file = readLirnFile(bytes);
  } catch (e) {
    return { error: { stage: 'read', error: e } };
  }
  try {
    for (let k = 0; k < file.chunks.length; k++) decodeChunkForConformance(file, k, bytes);
  } catch (e) {
    return { error: { stage: 'decode', error: e } };
  }
  return { error: null };
}

export function summarize(results: readonly CheckResult[]): {
  passed: number;
  failed: number;
  skipped: number;
} {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const r of results) {
    if (r.status === 'pass') passed++;
    else if (r.status === 'fail') failed++;
    else skipped++;
  }
  return { passed, failed, skipped };
}
