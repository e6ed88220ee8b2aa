/**
 * Mutation fuzzer for the `.lirn` container: `npx tsx bench/fuzz.ts --count 1000000 [--seed 1]`.
 *
 * Inputs are mutants (bit flips, byte sets, truncations, size/count blow-ups, box splices; see
 * test/container/mutate.ts) of four vectors: a small two-chunk file (3.3 kB), a profile-S file (84 kB), an HLS
 * init segment and an HLS media segment. Input i is fully determined by (seed, i), so `--only i` replays one. A worker thread
 * runs the inputs while the main thread watches a shared progress counter: an input that runs longer than
 * `--timeout-ms` is counted as a hang, the worker is terminated and restarted after it. Printed: inputs/s,
 * outcomes, any exception that is not a ContainerError (a bug), hangs, and the largest count or byte length
 * the reader accepted from a field relative to the input size (must stay ≤ 1).
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createRng } from '../src/codec/util/random.js';
import {
  ContainerError,
  initSegmentForChunk,
  mediaSegment,
  readInitSegment,
  readMediaSegment,
  writeLirnFile,
} from '../src/container/index.js';
import { setReaderSizeProbe } from '../src/container/syntax.js';
import {
  analyse,
  type Corpus,
  checkInput,
  MUTATION_KINDS,
  type MutationKind,
  mutate,
  type Outcome,
} from '../test/container/mutate.js';
import { profileVector, smallVector } from '../test/container/vectors.js';

interface Options {
  count: number;
  seed: number;
  timeoutMs: number;
  only: number | null;
}

interface Bug {
  index: number;
  corpus: string;
  kind: MutationKind;
  message: string;
}

interface Stats {
  inputs: number;
  outcomes: Record<string, number>;
  byKind: Record<string, number>;
  bugs: Bug[];
  bugCount: number;
  largestRatio: number;
  largestRatioAt: number;
  slowestMs: number;
  slowestAt: number;
  /** Inputs and milliseconds per corpus. */
  perCorpus: Record<string, [number, number]>;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { count: 100_000, seed: 1, timeoutMs: 5000, only: null };
  for (let i = 0; i < argv.length; i += 2) {
    const value = Number(argv[i + 1]);
    if (!Number.isFinite(value)) throw new Error(`${argv[i]} needs a number`);
    if (argv[i] === '--count') o.count = value;
    else if (argv[i] === '--seed') o.seed = value;
    else if (argv[i] === '--timeout-ms') o.timeoutMs = value;
    else if (argv[i] === '--only') o.only = value;
    else throw new Error(`unknown option ${argv[i]} (--count N --seed S --timeout-ms T --only I)`);
  }
  return o;
}

function emptyStats(): Stats {
  return {
    inputs: 0,
    outcomes: {},
    byKind: {},
    bugs: [],
    bugCount: 0,
    largestRatio: 0,
    largestRatioAt: -1,
    slowestMs: 0,
    slowestAt: -1,
    perCorpus: {},
  };
}

function buildCorpora(): { corpora: Corpus[]; pieceHeader: ReturnType<typeof readInitSegment> } {
  const small = smallVector();
  const init = initSegmentForChunk(small, 1);
  return {
    corpora: [
      analyse('small-file', writeLirnFile(small)),
      analyse('profile-file', writeLirnFile(profileVector())),
      analyse('init-segment', init),
      analyse('media-segment', mediaSegment(small, 2)),
    ],
    pieceHeader: readInitSegment(init),
  };
}

/** Init/media segments are parsed with their own readers; files go through the full check. */
function runPiece(corpus: Corpus, input: Uint8Array, header: ReturnType<typeof readInitSegment>): Outcome {
  let largestSize = 0;
  setReaderSizeProbe((n) => {
    if (n > largestSize) largestSize = n;
  });
  try {
    if (corpus.name === 'init-segment') readInitSegment(input);
    else readMediaSegment(input, header);
    return { kind: 'accepted', largestSize };
  } catch (e) {
    if (e instanceof ContainerError) return { kind: 'rejected', details: e.details, largestSize };
    return { kind: 'bug', error: e, largestSize };
  } finally {
    setReaderSizeProbe(null);
  }
}

/**
 * Which corpus each input mutates, in a cycle of 16: the 84 kB profile-S file costs ~7 ms per input (parse,
 * decode, re-write) against ~0.3 ms for the others, so it gets 1 slot; the small file 9, each HLS piece 3.
 */
const CORPUS_SCHEDULE = [1, 0, 2, 0, 3, 0, 0, 2, 0, 3, 0, 0, 2, 0, 3, 0];

function inputFor(
  corpora: Corpus[],
  seed: number,
  index: number,
): { corpus: Corpus; kind: MutationKind; input: Uint8Array } {
  const rng = createRng(seed * 0x100000000 + index);
  const corpus = corpora[CORPUS_SCHEDULE[index % CORPUS_SCHEDULE.length]];
  const kind = MUTATION_KINDS[rng.int(MUTATION_KINDS.length)];
  return { corpus, kind, input: mutate(corpus, rng, kind) };
}

function runWorker(): void {
  const { start, end, seed, progress } = workerData as {
    start: number;
    end: number;
    seed: number;
    progress: SharedArrayBuffer;
  };
  const cursor = new Int32Array(progress);
  const { corpora, pieceHeader } = buildCorpora();
  let stats = emptyStats();
  for (let i = start; i < end; i++) {
    Atomics.store(cursor, 0, i);
    const { corpus, kind, input } = inputFor(corpora, seed, i);
    const t0 = performance.now();
    const outcome = corpus.name.endsWith('file') ? checkInput(input) : runPiece(corpus, input, pieceHeader);
    const ms = performance.now() - t0;
    stats.inputs++;
    stats.perCorpus[corpus.name] ??= [0, 0];
    const spent = stats.perCorpus[corpus.name];
    spent[0]++;
    spent[1] += ms;
    const key = outcome.kind === 'rejected' ? outcome.details : outcome.kind;
    stats.outcomes[key] = (stats.outcomes[key] ?? 0) + 1;
    stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
    const ratio = outcome.largestSize / Math.max(1, input.length);
    if (ratio > stats.largestRatio) {
      stats.largestRatio = ratio;
      stats.largestRatioAt = i;
    }
    if (ms > stats.slowestMs) {
      stats.slowestMs = ms;
      stats.slowestAt = i;
    }
    if (outcome.kind === 'bug') {
      stats.bugCount++;
      if (stats.bugs.length < 20) {
        const e = outcome.error as Error;
        stats.bugs.push({
          index: i,
          corpus: corpus.name,
          kind,
          message: `${e?.name}: ${e?.message} ${e?.stack?.split('\n')[1]?.trim() ?? ''}`,
        });
      }
    }
    if (stats.inputs === 1000 || i === end - 1) {
      parentPort?.postMessage(stats);
      stats = emptyStats();
    }
  }
  Atomics.store(cursor, 1, 1);
}

function merge(into: Stats, s: Stats): void {
  into.inputs += s.inputs;
  for (const [k, v] of Object.entries(s.outcomes)) into.outcomes[k] = (into.outcomes[k] ?? 0) + v;
  for (const [k, v] of Object.entries(s.byKind)) into.byKind[k] = (into.byKind[k] ?? 0) + v;
  into.bugCount += s.bugCount;
  for (const [k, [n, ms]] of Object.entries(s.perCorpus)) {
    into.perCorpus[k] ??= [0, 0];
    const t = into.perCorpus[k];
    t[0] += n;
    t[1] += ms;
  }
  into.bugs.push(...s.bugs.slice(0, 20 - into.bugs.length));
  if (s.largestRatio > into.largestRatio) {
    into.largestRatio = s.largestRatio;
    into.largestRatioAt = s.largestRatioAt;
  }
  if (s.slowestMs > into.slowestMs) {
    into.slowestMs = s.slowestMs;
    into.slowestAt = s.slowestAt;
  }
}

/** Runs [start, end) in a worker; resolves with the index where a hang stopped it, or null when done. */
function runRange(
  o: Options,
  start: number,
  end: number,
  total: Stats,
  onProgress: () => void,
): Promise<number | null> {
  const progress = new SharedArrayBuffer(8);
  const cursor = new Int32Array(progress);
  Atomics.store(cursor, 0, start);
  // The worker runs this same TypeScript file: a tiny eval'd entry registers tsx's loader, then imports it.
  const entry = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const worker = new Worker(entry, { eval: true, workerData: { start, end, seed: o.seed, progress } });
  return new Promise((resolve, reject) => {
    let last = -1;
    let since = performance.now();
    const watchdog = setInterval(
      () => {
        const now = Atomics.load(cursor, 0);
        if (now !== last) {
          last = now;
          since = performance.now();
        } else if (performance.now() - since > o.timeoutMs && Atomics.load(cursor, 1) === 0) {
          clearInterval(watchdog);
          void worker.terminate();
          resolve(now);
        }
      },
      Math.min(250, o.timeoutMs / 4),
    );
    worker.on('message', (s: Stats) => {
      merge(total, s);
      onProgress();
    });
    worker.on('error', (e) => {
      clearInterval(watchdog);
      reject(e);
    });
    worker.on('exit', () => {
      clearInterval(watchdog);
      resolve(null);
    });
  });
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.only !== null) {
    const { corpora, pieceHeader } = buildCorpora();
    const { corpus, kind, input } = inputFor(corpora, o.seed, o.only);
    const outcome = corpus.name.endsWith('file') ? checkInput(input) : runPiece(corpus, input, pieceHeader);
    console.log(`input ${o.only}: ${corpus.name}, ${kind}, ${input.length} bytes →`, outcome);
    return;
  }
  const total = emptyStats();
  const hangs: number[] = [];
  const t0 = performance.now();
  let lastPrint = t0;
  const report = () => {
    const now = performance.now();
    if (now - lastPrint < 10_000) return;
    lastPrint = now;
    console.log(
      `… ${total.inputs} inputs, ${Math.round(total.inputs / ((now - t0) / 1000))}/s, bugs ${total.bugCount}, hangs ${hangs.length}`,
    );
  };
  let start = 0;
  while (start < o.count) {
    const stoppedAt = await runRange(o, start, o.count, total, report);
    if (stoppedAt === null) break;
    hangs.push(stoppedAt);
    total.inputs++;
    start = stoppedAt + 1;
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `\nlirn container fuzz: ${total.inputs} inputs (seed ${o.seed}) in ${seconds.toFixed(1)} s = ${Math.round(total.inputs / seconds)} inputs/s`,
  );
  console.log('mutations:', total.byKind);
  for (const [k, [n, ms]] of Object.entries(total.perCorpus))
    console.log(`  ${k}: ${n} inputs, ${(ms / n).toFixed(3)} ms each`);
  console.log('outcomes: ', total.outcomes);
  console.log(
    `bugs (exceptions other than ContainerError, or accepted files that do not re-write): ${total.bugCount}`,
  );
  for (const b of total.bugs) console.log(`  --only ${b.index} (${b.corpus}, ${b.kind}): ${b.message}`);
  console.log(
    `hangs (> ${o.timeoutMs} ms): ${hangs.length}${hangs.length ? ` at ${hangs.slice(0, 20).join(', ')}` : ''}`,
  );
  console.log(
    `largest field-declared size / input size: ${total.largestRatio.toFixed(3)} (input ${total.largestRatioAt})`,
  );
  console.log(`slowest input: ${total.slowestMs.toFixed(1)} ms (input ${total.slowestAt})`);
  process.exitCode = total.bugCount > 0 || hangs.length > 0 || total.largestRatio > 1 ? 1 : 0;
}

if (isMainThread) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 2;
  });
} else {
  runWorker();
}
