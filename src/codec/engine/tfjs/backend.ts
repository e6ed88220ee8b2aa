/**
 * Picks the tfjs backend: tfjs-node-gpu → tfjs-node → wasm (SIMD) → cpu, whichever loads first.
 * tfjs-node(-gpu) are optional dependencies that usually cannot install here (their install script downloads
 * libtensorflow), so a failed import is expected and simply moves on to the next candidate.
 * tfjs keeps one process-wide backend; every engine in the process shares the one chosen here.
 */
import * as tf from '@tensorflow/tfjs';

export type TfjsBackendName = 'node-gpu' | 'node' | 'wasm' | 'cpu';

export const DEFAULT_BACKEND_ORDER: readonly TfjsBackendName[] = ['node-gpu', 'node', 'wasm', 'cpu'];

export interface LoadedBackend {
  tf: typeof tf;
  name: TfjsBackendName;
  /** Human-readable description, e.g. 'tfjs-wasm (SIMD, 1 thread)'. */
  description: string;
}

export interface BackendAttempt {
  name: TfjsBackendName;
  ok: boolean;
  reason?: string;
}

const loaded = new Map<TfjsBackendName, Promise<string>>();
let lastAttempts: BackendAttempt[] = [];

/** Tries the backends in order and activates the first that works. Throws only when none does. */
export async function loadBackend(
  order: readonly TfjsBackendName[] = DEFAULT_BACKEND_ORDER,
): Promise<LoadedBackend> {
  const attempts: BackendAttempt[] = [];
  for (const name of order) {
    try {
      let init = loaded.get(name);
      if (!init) {
        init = initBackend(name);
        loaded.set(name, init);
        // A failed attempt is retried next time (the environment may change, e.g. after an install).
        init.catch(() => loaded.delete(name));
      }
      const description = await init;
      if (!(await tf.setBackend(tfBackendId(name))))
        throw new Error(`tf.setBackend('${tfBackendId(name)}') failed`);
      attempts.push({ name, ok: true });
      lastAttempts = attempts;
      return { tf, name, description };
    } catch (err) {
      attempts.push({
        name,
        ok: false,
        reason: err instanceof Error ? err.message.split('\n')[0] : String(err),
      });
    }
  }
  lastAttempts = attempts;
  const why = attempts.map((a) => `${a.name}: ${a.reason}`).join('; ');
  throw new Error(`no tfjs backend could be loaded (${why})`);
}

/** What the last `loadBackend` call tried, for diagnostics (`lirn bench`, engine listings). */
export function backendAttempts(): readonly BackendAttempt[] {
  return lastAttempts;
}

function tfBackendId(name: TfjsBackendName): string {
  return name === 'node' || name === 'node-gpu' ? 'tensorflow' : name;
}

async function initBackend(name: TfjsBackendName): Promise<string> {
  switch (name) {
    case 'node-gpu':
    case 'node': {
      // A variable specifier keeps TypeScript from requiring the (usually absent) optional packages' types.
      const specifier = name === 'node-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
      await import(/* @vite-ignore */ specifier);
      if (!tf.engine().registryFactory.tensorflow)
        throw new Error(`${specifier} did not register its backend`);
      return name === 'node-gpu' ? 'tfjs-node-gpu (libtensorflow, CUDA)' : 'tfjs-node (libtensorflow, CPU)';
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const dir = await wasmDistDirectory();
      if (dir) wasm.setWasmPaths(dir);
      await tf.setBackend('wasm');
      const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
      const threads = wasm.getThreadsCount();
      return `tfjs-wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'})`;
    }
    case 'cpu': {
      await tf.setBackend('cpu');
      // The cpu backend prints a "install tfjs-node" banner on first use in Node; we already tried tfjs-node.
      (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
      return 'tfjs-cpu (plain JS)';
    }
  }
}

/** node_modules/@tensorflow/tfjs-backend-wasm/dist/ as a path prefix, or null outside Node. */
async function wasmDistDirectory(): Promise<string | null> {
  if (typeof process === 'undefined' || !process.versions?.node) return null;
  const { createRequire } = await import('node:module');
  const { dirname, sep } = await import('node:path');
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + sep;
}
