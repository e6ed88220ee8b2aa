/**
 * Engine registry: the known back ends in order of preference; `createEngine` picks the first that can run here
 * (or the one asked for by name) and says which backend runs underneath.
 */
import { tfjsEngineFactory } from './tfjs/index.js';
import type { EngineFactory, EngineOptions, TrainEngine } from './types.js';

/** Preference order. A faster engine (e.g. `native`) registers itself ahead of tfjs with `registerEngine`. */
const factories: EngineFactory[] = [tfjsEngineFactory()];

export function registerEngine(factory: EngineFactory, position: 'first' | 'last' = 'first'): void {
  const existing = factories.findIndex((f) => f.name === factory.name);
  if (existing >= 0) factories.splice(existing, 1);
  if (position === 'first') factories.unshift(factory);
  else factories.push(factory);
}

export function engineFactories(): readonly EngineFactory[] {
  return factories;
}

/** Every registered engine with whether it can run here, e.g. for `lirn bench` or `lirn info`. */
export async function listEngines(): Promise<Array<{ name: string; ok: boolean; reason?: string }>> {
  const out = [];
  for (const f of factories) out.push({ name: f.name, ...(await f.available()) });
  return out;
}

export interface SelectOptions {
  /** Engine name to use; throws if it is unknown or unavailable. Default: the first available. */
  prefer?: string;
  /** Where to say which engine and backend run; default stderr, `null` for silence. */
  log?: ((line: string) => void) | null;
}

export async function selectEngine(options: SelectOptions = {}): Promise<EngineFactory> {
  if (options.prefer) {
    const f = factories.find((x) => x.name === options.prefer);
    if (!f)
      throw new Error(
        `unknown engine '${options.prefer}' (known: ${factories.map((x) => x.name).join(', ')})`,
      );
    const { ok, reason } = await f.available();
    if (!ok) throw new Error(`engine '${f.name}' cannot run here: ${reason}`);
    return f;
  }
  const reasons: string[] = [];
  for (const f of factories) {
    const { ok, reason } = await f.available();
    if (ok) return f;
    reasons.push(`${f.name}: ${reason}`);
  }
  throw new Error(`no training engine can run here (${reasons.join('; ')})`);
}

export async function createEngine(options: EngineOptions, select: SelectOptions = {}): Promise<TrainEngine> {
  const factory = await selectEngine(select);
  const engine = await factory.create(options);
  const log = select.log === undefined ? (line: string) => console.error(line) : select.log;
  log?.(`engine: ${engine.name} on ${engine.backend}`);
  return engine;
}

export type { EngineFactory, EngineOptions, TrainEngine } from './types.js';
