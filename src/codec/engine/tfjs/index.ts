/** The `tfjs` engine factory: autodiff training on whichever tfjs backend loads (see backend.ts). */
import type { EngineFactory, EngineOptions } from '../types.js';
import { DEFAULT_BACKEND_ORDER, loadBackend, type TfjsBackendName } from './backend.js';
import { TfjsEngine } from './engine.js';
import type { HashEncodingMode } from './hash-encoding.js';

export { backendAttempts, DEFAULT_BACKEND_ORDER, loadBackend, type TfjsBackendName } from './backend.js';
export { TfjsEngine, type TfjsEngineOptions } from './engine.js';
export type { HashEncodingMode } from './hash-encoding.js';

export interface TfjsFactoryOptions {
  /** Backends to try, in order (default: node-gpu, node, wasm, cpu). */
  backends?: readonly TfjsBackendName[];
  /** Hash-grid lookup implementation; default `graph` on tfjs-node(-gpu), `host` (JS loops) elsewhere. */
  hashMode?: HashEncodingMode;
}

export interface TfjsEngineFactory extends EngineFactory {
  create(options: EngineOptions): Promise<TfjsEngine>;
}

export function tfjsEngineFactory(options: TfjsFactoryOptions = {}): TfjsEngineFactory {
  const order = options.backends ?? DEFAULT_BACKEND_ORDER;
  return {
    name: 'tfjs',
    async available() {
      try {
        await loadBackend(order);
        return { ok: true };
      } catch (err) {
        return { ok: false, reason: err instanceof Error ? err.message : String(err) };
      }
    },
    async create(engineOptions: EngineOptions) {
      const { name, description } = await loadBackend(order);
      const hashMode = options.hashMode ?? (name === 'node' || name === 'node-gpu' ? 'graph' : 'host');
      return new TfjsEngine({ ...engineOptions, backend: description, hashMode });
    },
  };
}
