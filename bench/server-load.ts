/**
 * Streaming-server load: 200 concurrent keep-alive clients on loopback fetching the HLS pieces of one video the
 * way players do (each chunk's init, then its segments), against the lirn server and, in the same run, against a
 * static-file baseline (@fastify/static on the same data directory, same URLs, same bytes). Each server runs in its
 * own process, the load generator (autocannon) in this one; rounds rotate the servers so drift on a shared machine
 * hits all. A third server, the floor (fastify answering from memory, no file system), shows what the machine
 * itself allows. Prints p50/p99 latency, errors, req/s per round and the lirn/baseline ratios.
 *
 *   npx tsx bench/server-load.ts [seconds=5] [rounds=3] [connections=200]
 *
 * Goal (issue 6): p99 < 50 ms, 0 errors, within 1.5x of the baseline.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { profileConfig } from '../src/codec/model/config.js';
import { writeLirnFile } from '../src/container/index.js';
import { buildServer } from '../src/server/index.js';
import { buildVector } from '../test/container/vectors.js';

type Kind = 'lirn' | 'static' | 'floor';
const KINDS: Kind[] = ['lirn', 'static', 'floor'];

/** Child mode: serve DATA and print the address on stdout. */
async function serve(kind: Kind, data: string): Promise<void> {
  let address: string;
  if (kind === 'lirn') {
    const app = await buildServer({ dataDir: data, resume: false, fallback: false, playerDir: null });
    address = await app.listen({ port: 0, host: '127.0.0.1' });
  } else if (kind === 'static') {
    const { default: Fastify } = await import('fastify');
    const { default: fastifyStatic } = await import('@fastify/static');
    const app = Fastify({ logger: false });
    await app.register(fastifyStatic, { root: data, prefix: '/videos/' });
    address = await app.listen({ port: 0, host: '127.0.0.1' });
  } else {
    // The floor: a fastify route answering every piece from memory, no file system, no validation — what this
    // machine and fastify can do at all with this many connections.
    const { default: Fastify } = await import('fastify');
    const app = Fastify({ logger: false });
    const pieces = new Map<string, Buffer>();
    for (const id of await readdir(data)) {
      if (id.startsWith('.')) continue;
      for (const name of await readdir(join(data, id, 'lirn'))) {
        pieces.set(`${id}/${name}`, await readFile(join(data, id, 'lirn', name)));
      }
    }
    app.get<{ Params: { id: string; file: string } }>('/videos/:id/lirn/:file', async (request, reply) => {
      const bytes = pieces.get(`${request.params.id}/${request.params.file}`);
      if (!bytes) return reply.code(404).send();
      return reply.type(request.params.file.endsWith('.m4s') ? 'video/iso.segment' : 'video/mp4').send(bytes);
    });
    address = await app.listen({ port: 0, host: '127.0.0.1' });
  }
  process.stdout.write(`${address}\n`);
}

function startChild(kind: Kind, data: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--serve', kind, data], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b) => {
      out += b;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve({ child, url: line.trim() });
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

/** A 640×360 profile-S video, 3 chunks × 4 segments of 2 s at 24 fps: realistic init (model) and segment sizes. */
async function prepare(data: string): Promise<{ paths: string[]; bytes: number[]; segments: string[] }> {
  const config = profileConfig('S', 640, 360);
  const file = buildVector({
    chunks: [0, 1, 2].map(() => ({ segments: [48, 48, 48, 48], config, width: 640, height: 360 })),
    timescale: 24000,
    sampleDuration: 1000,
  });
  const app = await buildServer({ dataDir: data, fallback: false, playerDir: null });
  const r = await app.inject({
    method: 'POST',
    url: '/api/videos',
    payload: Buffer.from(writeLirnFile(file)),
  });
  const id = r.json().id as string;
  await app.lirn.queue.idle();
  const paths: string[] = [];
  const bytes: number[] = [];
  let chunk = -1;
  file.segments.forEach((seg, i) => {
    if (seg.chunkIndex !== chunk) {
      chunk = seg.chunkIndex;
      paths.push(`/videos/${id}/lirn/init-${chunk}.mp4`);
    }
    paths.push(`/videos/${id}/lirn/seg-${i}.m4s`);
  });
  for (const p of paths) bytes.push((await app.inject({ url: p })).rawPayload.length);
  await app.close();
  if ((await readdir(join(data, id, 'lirn'))).length !== paths.length) throw new Error('pieces missing');
  return { paths, bytes, segments: paths.filter((p) => p.endsWith('.m4s')) };
}

interface Round {
  kind: Kind;
  p50: number;
  p99: number;
  errors: number;
  rps: number;
  mbps: number;
}

async function load(
  url: string,
  paths: string[],
  seconds: number,
  connections: number,
): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections,
    duration: seconds,
    requests: paths.map((path) => ({ method: 'GET', path })),
  });
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

/** Prints one workload's rounds and medians; true when the goal is met. */
function report(workload: string, results: Round[]): boolean {
  console.log(`\n${workload}\nserver   round  p50 ms  p99 ms  errors     req/s   Mbit/s`);
  results.forEach((x, i) => {
    console.log(
      `${x.kind.padEnd(8)} ${String(Math.floor(i / KINDS.length) + 1).padStart(5)} ${x.p50.toFixed(1).padStart(7)} ` +
        `${x.p99.toFixed(1).padStart(7)} ${String(x.errors).padStart(7)} ${x.rps.toFixed(0).padStart(9)} ${x.mbps.toFixed(0).padStart(8)}`,
    );
  });
  const of = (kind: Kind, key: 'p50' | 'p99' | 'rps') =>
    median(results.filter((x) => x.kind === kind).map((x) => x[key]));
  const errors = (kind: Kind) => results.filter((x) => x.kind === kind).reduce((n, x) => n + x.errors, 0);
  console.log('median over rounds       lirn    static     floor   lirn/static');
  for (const [label, key] of [
    ['p50 latency (ms)', 'p50'],
    ['p99 latency (ms)', 'p99'],
    ['requests/s', 'rps'],
  ] as const) {
    const [a, b, c] = KINDS.map((k) => of(k, key));
    console.log(
      `${label.padEnd(20)} ${a.toFixed(1).padStart(9)} ${b.toFixed(1).padStart(9)} ${c.toFixed(1).padStart(9)} ${(a / b).toFixed(2).padStart(13)}`,
    );
  }
  console.log(
    `${'errors (all rounds)'.padEnd(20)} ${KINDS.map((k) => String(errors(k)).padStart(9)).join(' ')}`,
  );
  const p99 = of('lirn', 'p99');
  return (
    p99 < 50 &&
    errors('lirn') === 0 &&
    p99 <= 1.5 * of('static', 'p99') &&
    of('lirn', 'rps') * 1.5 >= of('static', 'rps')
  );
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const rounds = Number(process.argv[3] ?? 3);
  const connections = Number(process.argv[4] ?? 200);
  const root = await mkdtemp(join(tmpdir(), 'lirn-server-load-'));
  const data = join(root, 'data');
  const children: ChildProcess[] = [];
  try {
    const { paths, bytes, segments } = await prepare(data);
    const total = bytes.reduce((a, b) => a + b, 0);
    console.log(
      `${paths.length} pieces, ${total} bytes per pass: init segments ~${bytes[0]} B, media segments ~${bytes[1]} B; ` +
        `${connections} connections, ${rounds} × ${seconds} s per server and workload`,
    );
    const servers = {
      lirn: await startChild('lirn', data),
      static: await startChild('static', data),
      floor: await startChild('floor', data),
    };
    children.push(servers.lirn.child, servers.static.child, servers.floor.child);
    // Same bytes from both (the baseline serves the data dir as files).
    for (const p of paths) {
      const [a, b] = await Promise.all([fetch(servers.lirn.url + p), fetch(servers.static.url + p)]);
      const [x, y] = [Buffer.from(await a.arrayBuffer()), Buffer.from(await b.arrayBuffer())];
      if (a.status !== 200 || b.status !== 200 || Buffer.compare(x, y) !== 0) throw new Error(`${p} differs`);
    }
    for (const kind of KINDS) await load(servers[kind].url, paths, 1, connections); // warm-up
    const workloads = { segments, 'player mix': paths };
    let met = true;
    for (const [workload, list] of Object.entries(workloads)) {
      const results: Round[] = [];
      for (let r = 0; r < rounds; r++) {
        // Rotate the order each round, so no server always runs first (or right after another's load).
        for (const kind of [...KINDS.slice(r % KINDS.length), ...KINDS.slice(0, r % KINDS.length)]) {
          const res = await load(servers[kind].url, list, seconds, connections);
          results.push({
            kind,
            p50: res.latency.p50,
            p99: res.latency.p99,
            errors: res.errors + res.timeouts + res.non2xx,
            rps: res.requests.average,
            mbps: (res.throughput.average * 8) / 1e6,
          });
        }
      }
      met = report(workload, results) && met;
    }
    console.log(
      `\ngoal (p99 < 50 ms, 0 errors, within 1.5x of the baseline) on every workload: ${met ? 'met' : 'NOT met'}`,
    );
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') await serve(process.argv[3] as Kind, process.argv[4]);
else await main();
