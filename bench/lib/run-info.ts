/**
 * What a benchmark run ran on: date, commit, machine, engines and how busy the machine was. Stored in every result
 * file, because absolute times only mean something beside the machine and load they were taken under.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  node: string;
}

export interface RunInfo {
  date: string;
  commit: string;
  /** Uncommitted changes in the working tree when the run started. */
  dirty: boolean;
  machine: MachineInfo;
  /** Training engine and renderer the codec used (`name on backend`). */
  engine: string;
  renderer: string;
  quick: boolean;
  /** The command line that produced the result, when run from the CLI. */
  command?: string;
  /** 1-minute load average at the start and end of the run, per core. */
  loadPerCore: { start: number; end?: number };
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpu: (list[0]?.model ?? 'unknown').trim(),
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: `${process.platform} ${process.arch}`,
    node: process.version,
  };
}

export function gitState(cwd: string): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    // The benchmark outputs are not sources: a run after another in the same checkout is still of a clean commit.
    const status = execFileSync(
      'git',
      ['status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench/results', ':!bench/RESULTS.md'],
      { cwd, encoding: 'utf8' },
    );
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

export function loadPerCore(): number {
  return Math.round((loadavg()[0] / availableParallelism()) * 100) / 100;
}

export function startRunInfo(
  cwd: string,
  engine: string,
  renderer: string,
  quick: boolean,
  command?: string,
): RunInfo {
  return {
    ...(command ? { command } : {}),
    date: new Date().toISOString(),
    ...gitState(cwd),
    machine: machineInfo(),
    engine,
    renderer,
    quick,
    loadPerCore: { start: loadPerCore() },
  };
}

/** A machine counts as shared when its load was above ~1.2 runnable tasks per core besides ours. */
export function wasShared(info: RunInfo): boolean {
  return Math.max(info.loadPerCore.start, info.loadPerCore.end ?? 0) > 1.2;
}

/** The run info with the load at the end of the suite filled in. */
export function finishRun(info: RunInfo): RunInfo {
  return { ...info, loadPerCore: { ...info.loadPerCore, end: loadPerCore() } };
}
