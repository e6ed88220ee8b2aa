/**
 * Loads the compiled addon (native/build/Release/lirn_native.node, built by scripts/build-native.mjs) and
 * describes its surface. Loading never throws: a missing or unloadable addon gives a one-line reason.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * 3: train() takes an optional latent gradient (alignment), read() an optional offset.
 * 4: train() takes optional per-sample loss weights and writes per-sample squared errors (importance sampling).
 * 5: attachFrames(), and train() takes an optional Rng state to draw the batch's pixels itself (native/src/sampler.h).
 * 6: setFakeQuant() (straight-through quantization-aware training).
 */
export const ADDON_ABI_VERSION = 6;

export interface NativeNetwork {
  info(): { isa: string; threads: number; total: number };
  /** which: 0 parameters, 1 Adam m, 2 Adam v; the whole vector, or `out.length` values from `offset`. */
  read(which: 0 | 1 | 2, out: Float32Array, offset?: number): void;
  write(which: 0 | 1 | 2, src: Float32Array): void;
  getStep(): number;
  setStep(step: number): void;
  setAdam(beta1: number, beta2: number, epsilon: number): void;
  /** Per parameter group (PARAM_GROUP_CODES order), the depth of straight-through quantization; 0 = off. */
  setFakeQuant(bits: number[]): void;
  /**
   * MSE of the batch; Adam step when `rates` is given, gradient into `gradsOut` when given. `latentGrad`
   * (frames × latent dim) is added to the batch's latent-row gradient first (StepExtras). `weight` scales each
   * sample's squared error in the loss; `errorOut` receives each sample's unweighted Σ_c (out − target)².
   * With `rngState` (4 words of xoshiro128** state) the step first draws its pixels from the attached frames into
   * `coords` and `target`, exactly as the trainer's uniform sampler would from that state (native/src/sampler.h).
   */
  train(
    frameIndex: Int32Array,
    pixelsPerFrame: number,
    coords: Float32Array,
    target: Float32Array,
    rates: Float64Array | null,
    gradsOut: Float32Array | null,
    latentGrad?: Float32Array | null,
    weight?: Float32Array | null,
    errorOut?: Float32Array | null,
    rngState?: Uint32Array | null,
  ): number;
  /** `train` off the JS thread; every other call throws while it runs. */
  trainAsync(
    frameIndex: Int32Array,
    pixelsPerFrame: number,
    coords: Float32Array,
    target: Float32Array,
    rates: Float64Array | null,
    gradsOut: Float32Array | null,
    latentGrad?: Float32Array | null,
    weight?: Float32Array | null,
    errorOut?: Float32Array | null,
    rngState?: Uint32Array | null,
  ): Promise<number>;
  /** The RGB frames (width·height·3 bytes each) that steps with `rngState` draw from; kept alive, read in place. */
  attachFrames(frames: Uint8Array[], width: number, height: number): void;
  render(z: Float32Array, width: number, height: number, out: Float32Array, t?: number): void;
  /** Seconds per phase since the previous call (inner tile phases measured on thread 0). */
  timings(): PhaseTimings;
  dispose(): void;
}

export interface PhaseTimings {
  modulate: number;
  tiles: number;
  unmodulate: number;
  update: number;
  encode: number;
  forward: number;
  backward: number;
  encodeBackward: number;
}

export interface NativeAddon {
  abiVersion: number;
  Engine: new (descriptor: Float64Array, threads: number, trainable: boolean, isa?: string) => NativeNetwork;
  cpuInfo(): { isa: string; hardwareThreads: number };
  /** Seconds per n×n×n SGEMM with `threads` threads. */
  sgemmBench(n: number, threads: number, reps: number, isa?: string): number;
  /** Seconds per forward+backward of a width×width ReLU layer over `pixels` rows. */
  layerBench(pixels: number, width: number, threads: number, reps: number, isa?: string): number;
}

export type AddonLoad = { ok: true; addon: NativeAddon; path: string } | { ok: false; reason: string };

/** Repository root's native/build/Release/lirn_native.node; LIRN_NATIVE_ADDON overrides the path. */
export function addonPath(): string {
  const override = process.env.LIRN_NATIVE_ADDON;
  if (override) return override;
  return fileURLToPath(new URL('../../../../native/build/Release/lirn_native.node', import.meta.url));
}

let cached: AddonLoad | null = null;

export function loadAddon(): AddonLoad {
  if (cached?.ok) return cached;
  const path = addonPath();
  if (!existsSync(path)) {
    cached = { ok: false, reason: `native addon not built (${path} missing; run: npm run build:native)` };
    return cached;
  }
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    if (addon.abiVersion !== ADDON_ABI_VERSION) {
      cached = {
        ok: false,
        reason: `native addon at ${path} is stale (abi ${addon.abiVersion}, expected ${ADDON_ABI_VERSION}; rebuild with npm run build:native)`,
      };
    } else {
      cached = { ok: true, addon, path };
    }
  } catch (err) {
    const msg = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    cached = { ok: false, reason: `native addon at ${path} does not load: ${msg}` };
  }
  return cached;
}

/** Forget a failed load (after building the addon in the same process). */
export function resetAddonCache(): void {
  if (cached && !cached.ok) cached = null;
}
