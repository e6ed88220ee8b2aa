/**
 * The `native` TrainEngine: fused C++ forward/backward/Adam kernels (native/src) behind the shared engine
 * interface. Parameters and Adam moments live in the addon; this wrapper converts ParamSets and batches.
 * Steps run off the JS thread (the event loop stays free, e.g. for a server running encode jobs); calls are
 * queued, so overlapping calls run one after another in call order.
 */
import { availableParallelism } from 'node:os';
import type { ParamGroup, ParamSet } from '../../model/params.js';
import { validateModelConfig } from '../../model/validate.js';
import {
  type AdamConfig,
  DEFAULT_ADAM,
  type EngineFactory,
  type EngineOptions,
  type GroupRates,
  type OptimizerState,
  type PixelBatch,
  type StepExtras,
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
  private queue: Promise<unknown> = Promise.resolve();

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

  /** Runs `fn` after every earlier call has settled (the addon refuses calls while a step runs). */
  private serial<T>(fn: () => T | Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private run(
    batch: PixelBatch,
    rates: Float64Array | null,
    grads: Float32Array | null,
    extras?: StepExtras,
    rngState: Uint32Array | null = null,
  ): Promise<number> {
    return this.serial(() => {
      const net = this.live();
      if (!(batch.frameIndex instanceof Int32Array))
        throw new TypeError('native engine: batch.frameIndex must be an Int32Array');
      if (!(batch.coords instanceof Float32Array))
        throw new TypeError('native engine: batch.coords must be a Float32Array');
      if (!(batch.target instanceof Float32Array))
        throw new TypeError('native engine: batch.target must be a Float32Array');
      const latentGrad = extras?.latentGrad ?? null;
      if (latentGrad !== null && !(latentGrad instanceof Float32Array))
        throw new TypeError('native engine: extras.latentGrad must be a Float32Array');
      const samples = batch.frameIndex.length * batch.pixelsPerFrame;
      const weight = batch.weight ?? null;
      if (weight !== null && (!(weight instanceof Float32Array) || weight.length !== samples))
        throw new TypeError(`native engine: batch.weight must be a Float32Array of ${samples} values`);
      const errors = extras?.sampleErrors ?? null;
      if (errors !== null && (!(errors instanceof Float32Array) || errors.length !== samples))
        throw new TypeError(`native engine: extras.sampleErrors must be a Float32Array of ${samples} values`);
      return net.trainAsync(
        batch.frameIndex,
        batch.pixelsPerFrame,
        batch.coords,
        batch.target,
        rates,
        grads,
        latentGrad,
        weight,
        errors,
        rngState,
      );
    });
  }

  async step(batch: PixelBatch, rates: GroupRates, extras?: StepExtras): Promise<number> {
    return this.run(batch, groupRates(rates), null, extras);
  }

  attachFrames(frames: readonly Uint8Array[], width: number, height: number): void {
    this.live().attachFrames([...frames], width, height);
  }

  async stepDrawing(
    batch: PixelBatch,
    rngState: Uint32Array,
    rates: GroupRates,
    extras?: StepExtras,
  ): Promise<number> {
    return this.run(batch, groupRates(rates), null, extras, rngState);
  }

  async gradients(batch: PixelBatch, extras?: StepExtras): Promise<{ loss: number; grads: ParamSet }> {
    const flat = new Float32Array(this.layout.total);
    const loss = await this.run(batch, null, flat, extras);
    return { loss, grads: unpackParams(this.layout, flat) };
  }

  /** Latent rows straight from the addon's parameter vector (D floats each), without copying the rest. */
  readLatentRows(frameIndex: Int32Array): Promise<Float32Array> {
    return this.serial(() => {
      const net = this.live();
      const dim = this.layout.config.latent.dim;
      const base = this.layout.byName.get('latents')!.offset;
      const out = new Float32Array(frameIndex.length * dim);
      frameIndex.forEach((row, f) => {
        if (!Number.isInteger(row) || row < 0 || row >= this.layout.frames)
          throw new RangeError(`native engine: latent row ${row} is outside 0..${this.layout.frames - 1}`);
        net.read(0, out.subarray(f * dim, (f + 1) * dim), base + row * dim);
      });
      return out;
    });
  }

  private readNow(which: 0 | 1 | 2): Float32Array {
    const out = new Float32Array(this.layout.total);
    this.live().read(which, out);
    return out;
  }

  /** Parameters (0) or Adam m (1) / v (2) as one flat Float32Array in `layout` order, e.g. for checkpoints. */
  readFlat(which: 0 | 1 | 2 = 0): Promise<Float32Array> {
    return this.serial(() => this.readNow(which));
  }

  /** Seconds per step phase since the previous call (see native/src/network.h), for benchmarks. */
  phaseTimings(): Promise<PhaseTimings> {
    return this.serial(() => this.live().timings());
  }

  async setFakeQuant(bits: Partial<Record<ParamGroup, number>>): Promise<void> {
    const depths = GROUP_ORDER.map((g) => bits[g] ?? 0);
    await this.serial(() => this.live().setFakeQuant(depths));
  }

  async getParams(): Promise<ParamSet> {
    return unpackParams(this.layout, await this.readFlat(0));
  }

  async setParams(params: ParamSet): Promise<void> {
    const flat = packParams(this.layout, params);
    return this.serial(() => this.live().write(0, flat));
  }

  async getOptimizerState(): Promise<OptimizerState> {
    return this.serial(() => ({
      step: this.live().getStep(),
      m: unpackParams(this.layout, this.readNow(1)),
      v: unpackParams(this.layout, this.readNow(2)),
    }));
  }

  async setOptimizerState(state: OptimizerState): Promise<void> {
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new RangeError(`native engine: optimizer step must be a non-negative integer, got ${state.step}`);
    }
    const m = packParams(this.layout, state.m, 'optimizer m');
    const v = packParams(this.layout, state.v, 'optimizer v');
    return this.serial(() => {
      const net = this.live();
      net.write(1, m);
      net.write(2, v);
      net.setStep(state.step);
    });
  }

  /**
   * Frees the native state. A step already running finishes (the addon defers the release); calls queued
   * behind it reject.
   */
  dispose(): void {
    this.net?.dispose();
    this.net = null;
  }
}

/** The five group rates in the addon's order, each checked finite and ≥ 0. */
function groupRates(rates: GroupRates): Float64Array {
  const r = new Float64Array(GROUP_ORDER.length);
  GROUP_ORDER.forEach((g, i) => {
    const lr = rates[g] ?? 0;
    if (!Number.isFinite(lr) || lr < 0)
      throw new RangeError(`native engine: learning rate for '${g}' is ${lr}`);
    r[i] = lr;
  });
  return r;
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
