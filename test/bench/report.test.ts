import { describe, expect, it } from 'vitest';
import { keptSections, markdownTable, renderReport } from '../../bench/lib/report.js';
import type { SuiteResult } from '../../bench/lib/results.js';
import { toJson } from '../../bench/lib/results.js';
import type { RunInfo } from '../../bench/lib/run-info.js';

const run = (date: string, load: number): RunInfo => ({
  date,
  commit: 'abcdef123456',
  dirty: false,
  machine: { cpu: 'Test CPU', cores: 2, memoryGiB: 8, platform: 'linux x64', node: 'v20.0.0' },
  engine: 'native on native avx2 x2 threads',
  renderer: 'native',
  quick: false,
  loadPerCore: { start: load, end: load },
});

const result = (suite: string, date: string, load: number): SuiteResult => ({
  suite,
  clip: 'bunny',
  clipDescription: 'bunny 640×360',
  run: run(date, load),
  settings: { minutes: 3, skipped: null },
  headline: [{ label: `${suite} ratio`, value: -12.345, unit: '%', detail: 'a | b' }],
  tables: [
    {
      title: 'T',
      columns: ['a', 'b'],
      rows: [
        ['x|y', 1.23456],
        [null, Number.NaN],
      ],
      digits: [0, 2],
    },
  ],
  plots: suite === 'rd' ? ['rd-bunny-psnr.svg'] : [],
  data: {},
});

describe('renderReport', () => {
  it('leads with the machine summary and headline, then each suite, then the kept sections', () => {
    const md = renderReport(
      [result('rd', '2026-01-02T03:04:05Z', 0.5), result('speed', '2026-01-02T03:14:05Z', 2)],
      new Map(),
      'results/',
    );
    const order = [
      '| machine | Test CPU, 2 cores',
      '## Headline',
      '| bunny | rd | rd ratio | -12.3 % | a \\| b |',
      '## rd — bunny',
      '## speed — bunny',
      '## Other benchmarks',
    ];
    let at = 0;
    for (const piece of order) {
      const next = md.indexOf(piece, at);
      expect(next, piece).toBeGreaterThanOrEqual(at);
      at = next;
    }
    expect(md).toContain('| date | 2026-01-02 03:04 … 2026-01-02 03:14 UTC |');
    expect(md).toContain('![rd bunny](results/rd-bunny-psnr.svg)');
    expect(md).toContain('Settings: minutes 3.');
    expect(md).toContain('shared machine'); // the speed run's load of 2 per core
  });

  it('copies marked sections verbatim, unknown ones included, and adds placeholders for missing ones', () => {
    const existing = renderReport(
      [],
      new Map([
        ['server', '### Server\n\n10k req/s\n'],
        ['extra', 'kept\n'],
      ]),
      '',
    );
    const kept = keptSections(existing);
    expect(kept.get('server')).toBe('### Server\n\n10k req/s\n');
    expect(kept.get('extra')).toBe('kept\n');
    expect(kept.get('engine')).toMatch(/Owner: bench\/engine\.ts/);
    expect(renderReport([], kept, '')).toBe(existing);
  });
});

describe('markdownTable / toJson', () => {
  it('formats numbers by column digits, escapes pipes, shows missing values as —', () => {
    const t = markdownTable({
      title: 'T',
      columns: ['a', 'b'],
      rows: [
        ['x|y', 1.23456],
        [null, Number.NaN],
      ],
      digits: [0, 2],
    });
    expect(t.split('\n')).toEqual(['| a | b |', '|---|---|', '| x\\|y | 1.23 |', '| — | — |']);
  });
  it('writes non-finite numbers as null', () => {
    expect(JSON.parse(toJson({ a: Number.POSITIVE_INFINITY, b: 1 }))).toEqual({ a: null, b: 1 });
  });
});
