import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../bench/lib/report.js';
import { readSuiteResults, type SuiteResult } from '../../bench/lib/results.js';
import { defaultOptions, runBench } from '../../bench/run.js';
import { chooseRenderer, chooseTrainEngine } from '../../src/cli/engines.js';
import { profileConfig } from '../../src/codec/model/config.js';

// The whole runner on a tiny synthetic clip: 10 iterations per model, no FFmpeg peers. Checks the plumbing
// (every suite writes its result, the numbers are consistent with each other, the summary is generated and keeps
// the other benchmarks' sections), not the codec's quality.
describe('lirn bench plumbing', () => {
  let dir: string;
  let results: SuiteResult[];
  const W = 48;
  const H = 32;
  const F = 12;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lirn-bench-'));
    await writeFile(
      join(dir, 'RESULTS.md'),
      '<!-- BEGIN SECTION huffman -->\nhand-written numbers\n<!-- END SECTION huffman -->\n',
    );
    const lines: string[] = [];
    await runBench({
      ...defaultOptions(true),
      clips: ['synthetic'],
      synthetic: { width: W, height: H, frames: F },
      iterations: 10,
      profiles: ['S'],
      bits: [8, 4],
      alphas: [2],
      peers: false,
      speedEngines: ['native'],
      engine: await chooseTrainEngine('auto', profileConfig('S', W, H)),
      renderer: chooseRenderer('auto'),
      outDir: dir,
      reportPath: join(dir, 'RESULTS.md'),
      log: (l) => lines.push(l),
    });
    results = await readSuiteResults(dir);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one result per suite with run info', () => {
    expect(results.map((r) => r.suite)).toEqual(['rd', 'interp', 'anyres', 'speed']);
    for (const r of results) {
      expect(r.clip).toBe('synthetic');
      expect(r.run.machine.cores).toBeGreaterThan(0);
      expect(r.run.commit).toMatch(/^[0-9a-f]{12}$|^unknown$/);
      expect(r.run.quick).toBe(true);
    }
  });

  it('rd: one training re-packed at two depths; fewer bits, fewer bytes; bpp counts the whole file', async () => {
    const rd = results[0].data as {
      ours: Array<{ bits: number; bytes: number; bpp: number; psnr: number; iterations: number }>;
    };
    expect(rd.ours.map((p) => p.bits)).toEqual([8, 4]);
    expect(rd.ours[1].bytes).toBeLessThan(rd.ours[0].bytes);
    for (const p of rd.ours) {
      expect(p.iterations).toBe(10);
      expect(p.bpp).toBeCloseTo((p.bytes * 8) / (W * H * F), 10);
      expect(p.psnr).toBeGreaterThan(3);
    }
    const svg = await readFile(join(dir, 'rd-synthetic-psnr.svg'), 'utf8');
    expect(svg).toContain('data-label="ours S (4/8-bit)"');
  });

  it('interp scores the held-out frames only', () => {
    const rows = (results[1].data as { rows: Array<{ alpha: number; scoredFrames: number }> }).rows;
    expect(rows).toEqual([expect.objectContaining({ alpha: 2, scoredFrames: F / 2 })]);
  });

  it('anyres renders at 2× and ½× against the synthetic scene at those sizes', () => {
    const scales = (
      results[2].data as {
        scales: Array<{
          scale: number;
          width: number;
          reference: string | null;
          paths: Array<{ psnr: number }>;
        }>;
      }
    ).scales;
    expect(scales.map((s) => [s.scale, s.width])).toEqual([
      [2, 2 * W],
      [0.5, W / 2],
    ]);
    for (const s of scales) {
      expect(s.reference).toContain('rendered');
      expect(s.paths[0].psnr).toBeGreaterThan(3);
    }
  });

  it('speed reports our encode/decode and the native engine throughput', () => {
    const d = results[3].data as {
      rows: Array<{ decodeFps: number }>;
      engines: Array<{ ok: boolean; samplesPerSecond?: number }>;
    };
    expect(d.rows[0].decodeFps).toBeGreaterThan(0);
    expect(d.engines[0].ok).toBe(true);
    expect(d.engines[0].samplesPerSecond).toBeGreaterThan(0);
  });

  it('the summary has every suite, links the plots and keeps the marked sections', async () => {
    const md = await readFile(join(dir, 'RESULTS.md'), 'utf8');
    for (const s of [
      '## rd — synthetic',
      '## interp — synthetic',
      '## anyres — synthetic',
      '## speed — synthetic',
      '## Headline',
    ]) {
      expect(md).toContain(s);
    }
    expect(md).toContain('![rd synthetic](rd-synthetic-psnr.svg)');
    expect(md).toContain(
      '<!-- BEGIN SECTION huffman -->\nhand-written numbers\n<!-- END SECTION huffman -->',
    );
    expect(md).toContain('<!-- BEGIN SECTION engine -->');
    // Regenerating gives the same text (nothing accumulates).
    expect(await writeReport(dir, join(dir, 'RESULTS.md'))).toBe(md);
  });
});

describe('lirn bench rd --tune-bits', () => {
  const W = 48;
  const H = 32;
  const F = 12;
  const rdPoints = async (bits: number[], tuneBits: number[]) => {
    const dir = await mkdtemp(join(tmpdir(), 'lirn-bench-tune-'));
    try {
      await runBench({
        ...defaultOptions(true),
        suites: ['rd'],
        clips: ['synthetic'],
        synthetic: { width: W, height: H, frames: F },
        iterations: 10,
        profiles: ['S'],
        bits,
        tuneBits,
        peers: false,
        engine: await chooseTrainEngine('auto', profileConfig('S', W, H)),
        renderer: chooseRenderer('auto'),
        outDir: dir,
        reportPath: join(dir, 'RESULTS.md'),
        log: () => {},
      });
      const [rd] = await readSuiteResults(dir);
      return rd;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  it('fine-tunes the plain training for the straight-through depths, each point costing both trainings', async () => {
    const rd = await rdPoints([5, 8, 4], [5, 4]);
    const ours = (rd.data as { ours: Array<{ codec: string; bytes: number; encodeSeconds: number }> }).ours;
    expect(ours.map((p) => p.codec)).toEqual(['ours S 8-bit', 'ours S 5-bit tuned', 'ours S 4-bit tuned']);
    expect(ours[1].bytes).toBeLessThan(ours[0].bytes);
    expect(ours[2].bytes).toBeLessThan(ours[1].bytes);
    for (const tuned of ours.slice(1)) expect(tuned.encodeSeconds).toBeGreaterThan(ours[0].encodeSeconds);
    expect(rd.tables[0].title).toContain('fine-tuned from it for each of 5, 4 bits');
  });

  it('trains the plain model unscored when only straight-through depths are asked for', async () => {
    const rd = await rdPoints([5], [5]);
    const ours = (rd.data as { ours: Array<{ codec: string }> }).ours;
    expect(ours.map((p) => p.codec)).toEqual(['ours S 5-bit tuned']);
  });
});
