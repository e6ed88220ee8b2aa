import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CheckResult,
  type ConformanceManifest,
  checkMalformed,
  checkVector,
  type DecoderUnderTest,
  findEntry,
  parseManifest,
  referenceDecoder,
  sha256Hex,
  summarize,
} from '../../codec/conformance/index.js';
import { createNativeRenderer, loadAddon } from '../../codec/engine/native/index.js';
import { parseCommand, UsageError } from '../args.js';

export const CONFORM_USAGE = `usage: lirn conform FILE... [--manifest M] [--renderer reference|native] [--quiet] [--json]
       lirn conform --all [--manifest M] [--renderer reference|native]

Checks .lirn files against the conformance manifest (spec/06-conformance.md): the file's sha256, every
dequantized tensor (bit-exact sha256), and every listed frame of the chosen renderer against the reference
frames (PSNR bound, exact 8-bit checksum reported); malformed vectors must fail with the listed error.
  --all          every vector and malformed vector of the manifest
  --manifest M   manifest.json (default: the one beside FILE, else test/conformance/manifest.json)
  --renderer R   reference (default) or native: the decoder whose frames are checked
  --quiet        print only failed and skipped checks and the summary
  --json         machine-readable results
Exits 1 when any check fails.
`;

/** The repository's own vectors (src/cli/commands → test/conformance). */
export const DEFAULT_MANIFEST = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../test/conformance/manifest.json',
);

export const nativeDecoder: DecoderUnderTest = {
  name: 'native',
  open(model) {
    if (model.config.patch) return 'the native renderer has no patch variant (spec §4.3.7): skipped';
    return createNativeRenderer(model);
  },
};

export interface FileReport {
  file: string;
  entry: string | null;
  results: CheckResult[];
  passed: number;
  failed: number;
  skipped: number;
}

export interface ConformOptions {
  files: string[];
  all?: boolean;
  manifest?: string;
  renderer?: 'reference' | 'native';
}

async function loadManifest(path: string): Promise<ConformanceManifest> {
  const text = await readFile(path, 'utf8');
  return parseManifest(JSON.parse(text));
}

function chooseDecoder(name: string): DecoderUnderTest {
  if (name === 'reference') return referenceDecoder;
  if (name !== 'native') throw new UsageError(`--renderer must be reference or native, got '${name}'`);
  const load = loadAddon();
  if (!load.ok) throw new Error(`native renderer unavailable: ${load.reason}`);
  return nativeDecoder;
}

/** Checks one file; the manifest entry is found by file name, else by the sha256 of the bytes. */
export async function conformFile(
  path: string,
  manifest: ConformanceManifest,
  manifestDir: string,
  decoder: DecoderUnderTest,
): Promise<FileReport> {
  const bytes = new Uint8Array(await readFile(path));
  const found = findEntry(manifest, basename(path), sha256Hex(bytes));
  let results: CheckResult[];
  if (!found) {
    results = [
      {
        kind: 'file',
        subject: basename(path),
        status: 'fail',
        detail: 'no manifest entry has this name or sha256',
      },
    ];
  } else if (found.kind === 'malformed') {
    results = checkMalformed(bytes, found.entry);
  } else {
    const framesPath = join(manifestDir, found.entry.reference_frames.file);
    const referenceFrames = existsSync(framesPath) ? new Uint8Array(await readFile(framesPath)) : null;
    results = checkVector({ bytes, referenceFrames }, found.entry, manifest.bound, decoder);
  }
  return { file: path, entry: found?.entry.file ?? null, results, ...summarize(results) };
}

export async function runConform(options: ConformOptions): Promise<FileReport[]> {
  if (!options.all && options.files.length === 0)
    throw new UsageError(`expected FILE or --all\n\n${CONFORM_USAGE}`);
  const manifestPath =
    options.manifest ??
    (options.files.length > 0 && existsSync(join(dirname(options.files[0]), 'manifest.json'))
      ? join(dirname(options.files[0]), 'manifest.json')
      : DEFAULT_MANIFEST);
  const manifest = await loadManifest(manifestPath);
  const dir = dirname(manifestPath);
  const decoder = chooseDecoder(options.renderer ?? 'reference');
  const files = [...options.files];
  if (options.all) {
    for (const e of [...manifest.vectors, ...manifest.malformed]) files.push(join(dir, e.file));
  }
  const reports: FileReport[] = [];
  for (const f of files) reports.push(await conformFile(f, manifest, dir, decoder));
  return reports;
}

const MARK = { pass: 'pass', fail: 'FAIL', skip: 'skip' } as const;

export function formatReports(reports: readonly FileReport[], decoder: string, quiet = false): string {
  const out: string[] = [];
  for (const r of reports) {
    out.push(
      `${r.failed ? 'FAIL' : 'PASS'} ${r.file} (renderer ${decoder}): ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`,
    );
    const rows = quiet ? r.results.filter((c) => c.status !== 'pass') : r.results;
    const width = Math.max(0, ...rows.map((c) => c.subject.length));
    for (const c of rows)
      out.push(`  ${MARK[c.status]}  ${c.kind.padEnd(9)} ${c.subject.padEnd(width)}  ${c.detail}`);
  }
  const failed = reports.filter((r) => r.failed > 0).length;
  out.push(`${reports.length - failed}/${reports.length} files conform${failed ? `, ${failed} fail` : ''}`);
  return `${out.join('\n')}\n`;
}

export async function conformCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      all: { type: 'boolean' },
      manifest: { type: 'string' },
      renderer: { type: 'string', default: 'reference' },
      quiet: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    CONFORM_USAGE,
  );
  const renderer = values.renderer as 'reference' | 'native';
  const reports = await runConform({
    files: positionals,
    all: values.all,
    manifest: values.manifest,
    renderer,
  });
  if (values.json) {
    const safe = (_key: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
    process.stdout.write(`${JSON.stringify({ renderer, reports }, safe, 2)}\n`);
  } else {
    process.stdout.write(formatReports(reports, renderer, values.quiet));
  }
  return reports.some((r) => r.failed > 0) ? 1 : 0;
}
