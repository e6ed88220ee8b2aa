/**
 * Rate-distortion bit allocation per tensor (encoder only; the bitstream already carries `quant_bits` and
 * `quant_mode` per coded tensor, spec §5.2). The group allocation (e.g. 6-bit tables) is the quality target: every
 * sizeable tensor gets the depth, and for weight matrices the quantization mode, that, all tensors together, adds
 * no more predicted distortion than the group allocation would, for the fewest bytes.
 *
 * The mode matters at low depths: 'channel' mode spends 8 bytes of min/scale per row, which for the hypernetwork's
 * output layer (768 rows of 32 values) is 2 bits per value on top of 4 bits of symbols. Measured on bunny, profile
 * M at 4 bits (5000 iterations): that layer in 'tensor' mode at 5 bits decodes as well (26.64 dB) in 6% fewer
 * bytes of the whole file, while the base network, whose rows differ in range, loses 0.4 dB in 'tensor' mode.
 *
 * Distortion added by quantizing tensor T at b bits is measured: the model is rendered with T alone quantized and
 * compared with the unquantized render (mean squared difference over probe frames), at two depths per tensor, the
 * others following the 4^−b law of uniform quantization noise (distortionCurve). Quantization
 * noise is nearly uncorrelated with the model's own error, so this difference is what the quantization adds to the
 * MSE against the source, and the additions of different tensors add up. The rate of T at b bits is the empirical
 * entropy of its symbols plus its ranges. A Lagrange multiplier then picks each tensor's depth
 * (min Σ R_T(b_T) subject to Σ ΔD_T(b_T) ≤ Σ ΔD_T(b_T⁰)).
 */

import { codedTensorMode } from '../coding/index.js';
import type { FrameRenderer, RendererFactory } from '../decoder/stream-decoder.js';
import { frameMse } from '../metrics/index.js';
import type { ModelConfig } from '../model/config.js';
import { type ParamGroup, type ParamSet, paramSpecs, tensorSize } from '../model/params.js';
import { channelLayout, dequantizeInto, type QuantMode, quantizeTensor } from '../quant/index.js';
import type { BitAllocation } from './bit-allocation.js';

/** Per-tensor quantization depths that override their group's (`packChunk`'s `tensorBits`). */
export type TensorBits = Readonly<Record<string, number>>;
/** Per-tensor quantization modes that override the group's (`packChunk`'s `tensorModes`). */
export type TensorModes = Readonly<Record<string, QuantMode>>;

export interface AllocationProbe {
  renderer: RendererFactory;
  /** Frame times (chunk-local) to render; default up to 8 spread over the chunk. */
  times?: readonly number[];
  width: number;
  height: number;
}

export interface AllocationOptions {
  /** Tensors with fewer elements keep their group's depth (their bytes do not matter). Default 256. */
  minElements?: number;
  /** Depths tried around the group's depth b⁰: b⁰ − below … b⁰ + above, within [2, 12]. Default 3 / 2. */
  below?: number;
  above?: number;
  /**
   * Render every tried depth instead of two (the group depth b⁰ and b⁰ − 2) with the rest from the 4^−b law of
   * uniform quantization noise. Default false.
   */
  measureEvery?: boolean;
  /** Groups whose tensors keep their group depth (e.g. tables frozen on their grid during training). */
  fixedGroups?: readonly ParamGroup[];
  /** Keep every tensor in its group's quant_mode (choose depths only). Default false. */
  keepModes?: boolean;
}

/** One way to code a tensor: a mode and depth, with its predicted cost. */
export interface QuantOption {
  mode: QuantMode;
  bits: number;
  /** Added mean squared error (per channel value, [0, 1] scale). */
  distortion: number;
  /** Estimated coded bytes (symbols' entropy plus ranges). */
  bytes: number;
}

export interface TensorChoice {
  name: string;
  elements: number;
  /** What the group allocation codes this tensor with (codedTensorMode of the group's mode). */
  groupBits: number;
  groupMode: QuantMode;
  /** The chosen option. */
  bits: number;
  mode: QuantMode;
  options: QuantOption[];
}

export interface AllocationResult {
  tensorBits: TensorBits;
  tensorModes: TensorModes;
  choices: TensorChoice[];
  /** Predicted added MSE and estimated bytes of the allocated tensors: group allocation vs this one. */
  predicted: { groupDistortion: number; distortion: number; groupBytes: number; bytes: number };
  /** Probe renders made. */
  renders: number;
}

/** Empirical entropy of the symbols in bytes, plus 8 bytes per quantization range. */
function codedBytes(symbols: Uint32Array, bits: number, ranges: number): number {
  const hist = new Uint32Array(2 ** bits);
  for (let i = 0; i < symbols.length; i++) hist[symbols[i]]++;
  let entropyBits = 0;
  const n = symbols.length;
  for (const c of hist) if (c > 0) entropyBits -= c * Math.log2(c / n);
  return entropyBits / 8 + 8 * ranges;
}

/** Up to `most` probe frame times spread evenly over a chunk of `frames` frames (the default: 8). */
export function probeTimes(frames: number, most = 8): number[] {
  const count = Math.min(most, frames);
  return Array.from({ length: count }, (_, i) => Math.floor(((i + 0.5) * frames) / count));
}

function renderAll(
  factory: RendererFactory,
  config: ModelConfig,
  params: ParamSet,
  probe: AllocationProbe,
  times: readonly number[],
): Float32Array[] {
  const renderer: FrameRenderer & { dispose?: () => void } = factory({ config, params });
  try {
    return times.map((t) => renderer.renderFrame(t, probe.width, probe.height));
  } finally {
    renderer.dispose?.();
  }
}

/** Mean squared difference over every sample of same-sized frames (each frame's frameMse, averaged). */
function meanSquaredDifference(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let sum = 0;
  for (let f = 0; f < a.length; f++) sum += frameMse(a[f], b[f]).mse;
  return a.length ? sum / a.length : 0;
}

/**
 * Chooses per-tensor depths (and, unless `keepModes`, the modes of weight matrices) for `params` (a trained chunk
 * model, `frames` latent rows) so that the predicted added distortion does not exceed the group allocation's, with
 * fewer estimated bytes. Latents keep their group depth (one tensor per chunk, coded with a temporal predictor).
 */
export function allocateTensorBits(
  config: ModelConfig,
  params: ParamSet,
  frames: number,
  groups: BitAllocation,
  probe: AllocationProbe,
  options: AllocationOptions = {},
): AllocationResult {
  const minElements = options.minElements ?? 256;
  const below = options.below ?? 3;
  const above = options.above ?? 2;
  const times = probe.times ?? probeTimes(frames);
  const reference = renderAll(probe.renderer, config, params, probe, times);
  let renders = 1;
  const choices: TensorChoice[] = [];
  for (const spec of paramSpecs(config, frames)) {
    if (spec.group === 'latents' || options.fixedGroups?.includes(spec.group)) continue;
    const elements = tensorSize(spec.shape);
    if (elements < minElements) continue;
    const original = params.get(spec.name);
    if (!original) throw new Error(`model parameter '${spec.name}' is missing`);
    const groupBits = groups[spec.group].bits;
    const groupMode = codedTensorMode(spec.shape, groups[spec.group].mode);
    const choice: TensorChoice = {
      name: spec.name,
      elements,
      groupBits,
      groupMode,
      bits: groupBits,
      mode: groupMode,
      options: [],
    };
    const trial = new Map(params);
    const lo = Math.max(2, groupBits - below);
    const hi = Math.min(12, groupBits + above);
    const depths = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
    // A weight matrix coded per row may also be coded with one range; the reverse would add ranges to tables.
    const modes: QuantMode[] =
      groupMode === 'channel' && !options.keepModes ? ['channel', 'tensor'] : [groupMode];
    for (const mode of modes) {
      const layout = channelLayout(spec.shape, mode);
      const quantized = new Map(
        depths.map((b) => [b, quantizeTensor({ shape: spec.shape, data: original.data }, b, mode)]),
      );
      const measure = (b: number) => {
        const q = quantized.get(b)!;
        const data = dequantizeInto(q.symbols, q.mins, q.scales, layout, new Float32Array(elements));
        trial.set(spec.name, { shape: original.shape, data });
        renders++;
        return meanSquaredDifference(renderAll(probe.renderer, config, trial, probe, times), reference);
      };
      const distortion: Record<number, number> = {};
      if (options.measureEvery) for (const b of depths) distortion[b] = measure(b);
      else Object.assign(distortion, distortionCurve(depths, groupBits, measure));
      for (const [b, q] of quantized) {
        choice.options.push({
          mode,
          bits: b,
          distortion: distortion[b],
          bytes: codedBytes(q.symbols, b, q.mins.length),
        });
      }
    }
    choices.push(choice);
  }
  return { ...chooseDepths(choices), choices, renders };
}

/**
 * Added distortion at each depth from two renders: at b⁰ and b⁰ − 2 (measured), b⁰ − 1 their geometric mean, below
 * that the measured ratio per bit continued, above b⁰ a quarter per bit (uniform quantization noise: step² / 12).
 * Measured on bunny with profile L, the ratio per bit is 4.0–4.2 from 4 bits up and 4.2–5.4 below.
 */
export function distortionCurve(
  depths: readonly number[],
  groupBits: number,
  measure: (bits: number) => number,
): Record<number, number> {
  const at = measure(groupBits);
  const coarse = groupBits - 2 >= depths[0] ? groupBits - 2 : groupBits - 1;
  const below =
    coarse < groupBits && depths.includes(coarse) ? measure(coarse) : at * 4 ** (groupBits - coarse);
  const ratio = at > 0 ? Math.max(1, (below / at) ** (1 / (groupBits - coarse))) : 4;
  const out: Record<number, number> = {};
  for (const b of depths) {
    if (b === groupBits) out[b] = at;
    else if (b === coarse) out[b] = below;
    else if (b > groupBits) out[b] = at / 4 ** (b - groupBits);
    else if (b > coarse) out[b] = at * ratio ** (groupBits - b);
    else out[b] = below * ratio ** (coarse - b);
  }
  return out;
}

/** Lagrangian choice over the measured options; never worse than the group depths on the predicted distortion. */
export function chooseDepths(choices: TensorChoice[]): Omit<AllocationResult, 'choices' | 'renders'> {
  const groupOption = (c: TensorChoice): QuantOption => {
    const o = c.options.find((x) => x.mode === c.groupMode && x.bits === c.groupBits);
    if (!o)
      throw new Error(`tensor '${c.name}' has no option at its group's ${c.groupMode} ${c.groupBits} bits`);
    return o;
  };
  const groupDistortion = choices.reduce((s, c) => s + groupOption(c).distortion, 0);
  const groupBytes = choices.reduce((s, c) => s + groupOption(c).bytes, 0);
  const pick = (lambda: number) =>
    choices.map((c) => {
      let best = groupOption(c);
      let bestCost = Number.POSITIVE_INFINITY;
      for (const o of c.options) {
        const cost = o.distortion + lambda * o.bytes;
        if (cost < bestCost) {
          bestCost = cost;
          best = o;
        }
      }
      return best;
    });
  const totals = (picked: QuantOption[]) => ({
    distortion: picked.reduce((s, o) => s + o.distortion, 0),
    bytes: picked.reduce((s, o) => s + o.bytes, 0),
  });
  let chosen = choices.map(groupOption);
  let best = { distortion: groupDistortion, bytes: groupBytes };
  // λ in distortion per byte, over a wide log range: keep the cheapest allocation within the distortion budget.
  const scale = groupDistortion > 0 && groupBytes > 0 ? groupDistortion / groupBytes : 1e-12;
  for (let e = -8; e <= 8; e += 1 / 16) {
    const picked = pick(scale * 10 ** e);
    const t = totals(picked);
    if (t.distortion <= groupDistortion && t.bytes < best.bytes) {
      best = t;
      chosen = picked;
    }
  }
  const tensorBits: Record<string, number> = {};
  const tensorModes: Record<string, QuantMode> = {};
  choices.forEach((c, i) => {
    c.bits = chosen[i].bits;
    c.mode = chosen[i].mode;
    if (c.bits !== c.groupBits) tensorBits[c.name] = c.bits;
    if (c.mode !== c.groupMode) tensorModes[c.name] = c.mode;
  });
  return {
    tensorBits,
    tensorModes,
    predicted: { groupDistortion, distortion: best.distortion, groupBytes, bytes: best.bytes },
  };
}
