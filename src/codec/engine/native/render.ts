/**
 * Forward-only decoding on the native kernels, with the reference decoder's semantics (src/codec/render):
 * row-major HWC RGB floats clamped to [0, 1], pixel centres at ((i + 0.5)/W, (j + 0.5)/H), latents interpolated
 * linearly for fractional frame times. Patch models are not supported here (use src/codec/render).
 */
import { availableParallelism } from 'node:os';
import { MAX_DIMENSION } from '../../model/config.js';
import { ModelError } from '../../model/errors.js';
import { latentAt } from '../../model/latent.js';
import { type Model, prepareModel } from '../../model/model.js';
import { loadAddon, type NativeNetwork } from './addon.js';
import { nativeLayout, packParams } from './layout.js';

export interface NativeRenderer {
  readonly frames: number;
  readonly backend: string;
  renderFrame(t: number, width: number, height: number): Float32Array;
  dispose(): void;
}

export interface NativeRendererOptions {
  threads?: number;
  isa?: string;
}

/** Uploads the model once; render as many frames as needed, then dispose(). Throws when the addon is missing. */
export function createNativeRenderer(model: Model, options: NativeRendererOptions = {}): NativeRenderer {
  const load = loadAddon();
  if (!load.ok) throw new Error(load.reason);
  const prepared = prepareModel(model);
  if (prepared.patch)
    throw new Error('native renderer: patch models are not supported (use src/codec/render)');
  const layout = nativeLayout(prepared.config, prepared.frames);
  const flat = packParams(layout, model.params, 'model');
  let net: NativeNetwork | null = new load.addon.Engine(
    layout.descriptor,
    options.threads ?? availableParallelism(),
    false,
    options.isa,
  );
  net.write(0, flat);
  const info = net.info();
  const z = new Float32Array(prepared.latentDim);
  return {
    frames: prepared.frames,
    backend: `native ${info.isa} x${info.threads} threads`,
    renderFrame(t, width, height) {
      if (!net) throw new Error('native renderer: used after dispose()');
      for (const [name, v] of [
        ['width', width],
        ['height', height],
      ] as const) {
        if (!Number.isInteger(v) || v < 1 || v > MAX_DIMENSION) {
          throw new ModelError(
            'bad-argument',
            name,
            `must be an integer in 1..${MAX_DIMENSION}, got ${String(v)}`,
          );
        }
      }
      if (typeof t !== 'number' || !Number.isFinite(t)) {
        throw new ModelError('bad-argument', 't', `frame time must be a finite number, got ${String(t)}`);
      }
      latentAt(prepared.latents, prepared.frames, prepared.latentDim, t, z);
      const out = new Float32Array(width * height * layout.channels);
      net.render(z, width, height, out, t);
      return out;
    },
    dispose() {
      net?.dispose();
      net = null;
    },
  };
}

/** One frame, same contract as src/codec/render's renderFrame. */
export function nativeRenderFrame(model: Model, t: number, width: number, height: number): Float32Array {
  const r = createNativeRenderer(model);
  try {
    return r.renderFrame(t, width, height);
  } finally {
    r.dispose();
  }
}
