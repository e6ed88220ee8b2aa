/**
 * The `native` TrainEngine: fused C++ forward/backward/Adam kernels (native/src) behind the shared engine
 * interface. Parameters and Adam moments live in the addon; this wrapper converts ParamSets and batches.
 * Calls run synchronously on the calling thread plus the addon's own worker threads.
 */
import { availableParallelism } from 'node:os';
import type { ParamSet } from '../../model/params.js';
import { validateModelConfig } from '../../model/validate.js';
import {
  type AdamConfig,
  DEFAULT_ADAM,
  type EngineFactory,
  type EngineOptions,
  type GroupRates,
  type OptimizerState,
  type PixelBatch,
  type TrainEngine,
} from '../types.js';
import { loadAddon, type NativeNetwork, type PhaseTimings } from './addon.js';
import { GROUP_ORDER, type NativeLayout, nativeLayout, packParams, unpackParams } from './layout.js';

export interface NativeEngineOptions extends EngineOptions {
  /** Force a kernel set ('avx512', 'avx2', 'generic'); default: the best this CPU supports. */
  isa?: string;
}

export class NativeEngine implements TrainEngine {
  readonly name = 'native';
  readonly backend: string;
  readonly layout: NativeLayout;
  private net: NativeNetwork | null;

  constructor(options: NativeEngineOptions) {
    const load = loadAddon();
    if (!load.ok) throw new Error(load.reason);
    const config = validateModelConfig(options.config);
    if (!Number.isInteger(options.frames) || options.frames < 1) {
      throw new RangeError(`native engine: frames must be a positive integer, got ${options.frames}`);
    }
    this.layout = nativeLayout(config, options.frames);
    const adam: AdamConfig = options.adam ?? DEFAULT_ADAM;
    if (adam.weightDecay !== 0) throw new Error('native engine: Adam weight decay is not supported');
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
      throw new RangeError(`native engine: threads must be an integer in 1..1024, got ${threads}`);
    }
    const flat = packParams(this.layout, options.params);
    this.net = new load.addon.Engine(this.layout.descriptor, threads, true, options.isa);
    this.net.setAdam(adam.beta1, adam.beta2, adam.epsilon);
    this.net.write(0, flat);
    const info = this.net.info();
    this.backend = `native ${info.isa} x${info.threads} threads`;
  }

  private live(): NativeNetwork {
    if (!this.net) throw new Error('native engine: used after dispose()');
    return this.net;
  }

  private run(batch: PixelBatch, rates: Float64Array | null, grads: Float32Array | null): number {
    const net = this.live();
    if (!(batch.frameIndex instanceof Int32Array))
      throw new TypeError('native engine: batch.frameIndex must be an Int32Array');
    if (!(batch.coords instanceof Float32Array))
      throw new TypeError('native engine: batch.coords must be a Float32Array');
    if (!(batch.target instanceof Float32Array))
      throw new TypeError('native engine: batch.target must be a Float32Array');
    return net.train(batch.frameIndex, batch.pixelsPerFrame, batch.coords, batch.target, rates, grads);
  }

  async step(batch: PixelBatch, rates: GroupRates): Promise<number> {
    const r = new Float64Array(GROUP_ORDER.length);
    GROUP_ORDER.forEach((g, i) => {
      const lr = rates[g] ?? 0;
      if (!Number.isFinite(lr) || lr < 0)
        throw new RangeError(`native engine: learning rate for '${g}' is ${lr}`);
      r[i] = lr;
    });
    return this.run(batch, r, null);
  }

  async gradients(batch: PixelBatch): Promise<{ loss: number; grads: ParamSet }> {
    const flat = new Float32Array(this.layout.total);
    const loss = this.run(batch, null, flat);
    return { loss, grads: unpackParams(this.layout, flat) };
  }

  /** Parameters as one flat Float32Array in `layout` order (no per-tensor copies), e.g. for checkpoints. */
  readFlat(which: 0 | 1 | 2 = 0): Float32Array {
    const out = new Float32Array(this.layout.total);
    this.live().read(which, out);
    return out;
  }

  /** Seconds per step phase since the previous call (see native/src/network.h), for benchmarks. */
  phaseTimings(): PhaseTimings {
    return this.live().timings();
  }

  async getParams(): Promise<ParamSet> {
    return unpackParams(this.layout, this.readFlat(0));
  }

  async setParams(params: ParamSet): Promise<void> {
    this.live().write(0, packParams(this.layout, params));
  }

  async getOptimizerState(): Promise<OptimizerState> {
    const net = this.live();
    return {
      step: net.getStep(),
      m: unpackParams(this.layout, this.readFlat(1)),
      v: unpackParams(this.layout, this.readFlat(2)),
    };
  }

  async setOptimizerState(state: OptimizerState): Promise<void> {
    const net = this.live();
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new RangeError(`native engine: optimizer step must be a non-negative integer, got ${state.step}`);
    }
    const m = packParams(this.layout, state.m, 'optimizer m');
    const v = packParams(this.layout, state.v, 'optimizer v');
    net.write(1, m);
    net.write(2, v);
    net.setStep(state.step);
  }

  dispose(): void {
    this.net?.dispose();
    this.net = null;
  }
}

export interface NativeFactoryOptions {
  threads?: number;
  isa?: string;
}

export function nativeEngineFactory(options: NativeFactoryOptions = {}): EngineFactory & {
  create(options: EngineOptions): Promise<NativeEngine>;
} {
  return {
    name: 'native',
    async available() {
      const load = loadAddon();
      return load.ok ? { ok: true } : { ok: false, reason: load.reason };
    },
    async create(engineOptions: EngineOptions) {
      if (engineOptions.config?.patch) {
        throw new Error('native engine: patch models are not supported (use the tfjs engine)');
      }
      return new NativeEngine({
        ...engineOptions,
        threads: engineOptions.threads ?? options.threads,
        isa: options.isa,
      });
    },
  };
}

/** Whether the native engine can train this config (it covers everything but the patch variant). */
export function nativeSupportsConfig(config: { patch: unknown }): boolean {
  return !config.patch;
}
