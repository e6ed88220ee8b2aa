/**
 * The benchmark runner behind `lirn bench` / `npm run bench`: runs the chosen suites on the chosen clips, writes
 * one JSON (+ SVG plots) per suite and clip into the results folder, then regenerates the markdown summary from
 * every result file there. Run directly with `npx tsx bench/run.ts [same arguments as lirn bench]`.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RendererFactory } from '../src/codec/decoder/stream-decoder.js';
import type { EngineFactory } from '../src/codec/engine/types.js';
import { type ProfileName, profileConfig } from '../src/codec/model/config.js';
import { initParams } from '../src/codec/model/init.js';
import { writeReport } from './lib/report.js';
import { writeSuiteResult } from './lib/results.js';
import { startRunInfo } from './lib/run-info.js';
import {
  openSuiteClip,
  type SuiteClip,
  type SuiteClipName,
  type SyntheticClipOptions,
} from './lib/suite-clips.js';
import { runAnyres } from './suites/anyres.js';
import type { SuiteContext } from './suites/context.js';
import { DEFAULT_ALPHAS, runInterp } from './suites/interp.js';
import { runRd } from './suites/rd.js';
import { runSpeed } from './suites/speed.js';

export const SUITES = ['rd', 'interp', 'anyres', 'speed'] as const;
export type SuiteName = (typeof SUITES)[number];

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_RESULTS_DIR = resolve(REPO_ROOT, 'bench/results');
export const DEFAULT_REPORT = resolve(REPO_ROOT, 'bench/RESULTS.md');

export interface BenchOptions {
  suites: SuiteName[];
  clips: SuiteClipName[];
  quick: boolean;
  minutes: number;
  auxMinutes: number;
  iterations?: number;
  speedIterations: number;
  profiles: ProfileName[];
  bits: number[];
  /** rd: SuiteContext.tuneBits. */
  tuneBits?: number[];
  alphas: number[];
  peers: boolean;
  /** Engines whose training throughput the speed suite measures. */
  speedEngines?: string[];
  engine: EngineFactory;
  renderer: { factory: RendererFactory; label: string };
  seed: number;
  outDir: string;
  reportPath: string;
  /** Size of the synthetic clip. */
  synthetic?: SyntheticClipOptions;
  log?: (line: string) => void;
  /** The command line, recorded in the results. */
  command?: string;
}

/** Defaults of a full run and of `--quick` (synthetic clip, seconds-long budgets, two profiles). */
export function defaultOptions(quick: boolean): Omit<BenchOptions, 'engine' | 'renderer'> {
  return quick
    ? {
        suites: [...SUITES],
        clips: ['synthetic'],
        quick,
        minutes: 0.15,
        auxMinutes: 0.1,
        speedIterations: 100,
        profiles: ['S', 'M'],
        bits: [8, 6, 4],
        alphas: [2, 4],
        peers: true,
        seed: 0,
        outDir: resolve(DEFAULT_RESULTS_DIR, 'quick'),
        reportPath: resolve(DEFAULT_RESULTS_DIR, 'quick', 'RESULTS.md'),
      }
    : {
        suites: [...SUITES],
        clips: ['bunny'],
        quick,
        minutes: 20,
        auxMinutes: 20,
        speedIterations: 2000,
        profiles: ['S', 'M', 'L'],
        bits: [8, 6, 4],
        alphas: [...DEFAULT_ALPHAS],
        peers: true,
        seed: 0,
        outDir: DEFAULT_RESULTS_DIR,
        reportPath: DEFAULT_REPORT,
      };
}

/** `name on backend` of the engine, from a throwaway instance on a tiny model. */
export async function describeEngine(factory: EngineFactory): Promise<string> {
  const config = profileConfig('S', 16, 16);
  const engine = await factory.create({ config, frames: 2, params: initParams(config, 2, 0) });
  try {
    return `${engine.name} on ${engine.backend}`;
  } finally {
    engine.dispose();
  }
}

export interface BenchOutcome {
  files: string[];
  report: string;
}

export async function runBench(o: BenchOptions): Promise<BenchOutcome> {
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const engineLabel = await describeEngine(o.engine);
  const ctx: SuiteContext = {
    quick: o.quick,
    minutes: o.minutes,
    auxMinutes: o.auxMinutes,
    iterations: o.iterations,
    engine: o.engine,
    renderer: o.renderer,
    seed: o.seed,
    outDir: o.outDir,
    profiles: o.profiles,
    bits: o.bits,
    tuneBits: o.tuneBits,
    peers: o.peers,
    runInfo: () => startRunInfo(REPO_ROOT, engineLabel, o.renderer.label, o.quick, o.command),
    log,
  };
  const files: string[] = [];
  for (const name of o.clips) {
    const sc: SuiteClip = await openSuiteClip(name, { log, synthetic: o.synthetic });
    log(`clip ${sc.description}`);
    for (const suite of o.suites) {
      const started = performance.now();
      log(`— ${suite} on ${name}`);
      const { result, svgs } =
        suite === 'rd'
          ? await runRd(ctx, sc)
          : suite === 'interp'
            ? await runInterp(ctx, sc, o.alphas)
            : suite === 'anyres'
              ? await runAnyres(ctx, sc)
              : await runSpeed(ctx, sc, o.iterations ?? o.speedIterations, o.speedEngines);
      const path = await writeSuiteResult(o.outDir, result, svgs);
      files.push(path, ...Object.keys(svgs).map((s) => resolve(o.outDir, s)));
      log(`— ${suite} on ${name}: ${((performance.now() - started) / 1000).toFixed(0)} s → ${path}`);
    }
  }
  await writeReport(o.outDir, o.reportPath);
  return { files, report: o.reportPath };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { benchCommand } = await import('../src/cli/commands/bench.js');
  process.exitCode = await benchCommand(process.argv.slice(2));
}
