/**
 * The result file every suite writes (bench/results/<suite>-<clip>.json): run info, settings, headline figures
 * (ratios between codecs measured in the same run), display tables and raw data. RESULTS.md is generated from
 * these files alone, so every number in it comes from a run.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunInfo } from './run-info.js';

export interface Headline {
  /** What is compared, e.g. 'BD-rate of ours (best) against x265 medium 4:4:4'. */
  label: string;
  value: number | null;
  unit: string;
  /** How it was measured, or why there is no value. */
  detail?: string;
}

export type Cell = string | number | null;

export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
  /** Digits after the point per column for numbers (default 3). */
  digits?: number[];
  note?: string;
}

export interface SuiteResult {
  suite: string;
  clip: string;
  clipDescription: string;
  run: RunInfo;
  settings: Record<string, unknown>;
  headline: Headline[];
  tables: Table[];
  /** SVG files written beside the JSON (names relative to the results folder). */
  plots: string[];
  data: unknown;
}

export function resultFileName(suite: string, clip: string): string {
  return `${suite}-${clip}.json`;
}

export async function writeAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, content);
    await rename(temp, path);
  } finally {
    await rm(temp, { force: true });
  }
}

/** JSON with non-finite numbers as null (JSON has no Infinity/NaN). */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

export async function writeSuiteResult(
  dir: string,
  result: SuiteResult,
  svgs: Record<string, string> = {},
): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [name, svg] of Object.entries(svgs)) await writeAtomic(join(dir, name), svg);
  const path = join(dir, resultFileName(result.suite, result.clip));
  await writeAtomic(path, toJson({ ...result, plots: Object.keys(svgs) }));
  return path;
}

/** Every suite result in `dir`, ordered by suite then clip; files that are not suite results are skipped. */
export async function readSuiteResults(dir: string): Promise<SuiteResult[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const out: SuiteResult[] = [];
  for (const name of names) {
    try {
      const r = JSON.parse(await readFile(join(dir, name), 'utf8')) as SuiteResult;
      if (typeof r.suite === 'string' && typeof r.clip === 'string' && Array.isArray(r.tables)) out.push(r);
    } catch {
      // not a suite result
    }
  }
  const order = ['rd', 'interp', 'anyres', 'speed'];
  const rank = (s: string) => (order.includes(s) ? order.indexOf(s) : order.length);
  return out.sort(
    (a, b) => rank(a.suite) - rank(b.suite) || a.suite.localeCompare(b.suite) || a.clip.localeCompare(b.clip),
  );
}
