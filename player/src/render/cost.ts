/**
 * Multiply-adds of rendering with a model configuration (spec §4.3): per pixel (positional encoding and base
 * MLP, or for patch models the centroid MLP shared by p² pixels plus the conv), and per frame (latent
 * interpolation, hypernetworks and the P·Q mask with the W_t product), which is amortized over the frame's pixels.
 */
import { baseLayerShapes, levelTimeResolution, type ModelConfig } from '../../../src/codec/model/config.js';

export interface RenderCost {
  /**
   * Per pixel: encoding (4 bilinear corners per static hash-grid level, 8 per spatio-temporal one; or sin/cos
   * counted as one each) and base network.
   */
  encodingPerPixel: number;
  mlpPerPixel: number;
  /** Patch models: the 3×3 conv per pixel (3 output channels × 9 taps × C). */
  convPerPixel: number;
  /** Once per frame: z interpolation, hypernetworks, mask P·Q and W_t = M ∘ W. */
  perFrame: number;
}

export function renderCost(config: ModelConfig): RenderCost {
  const shapes = baseLayerShapes(config);
  const enc = config.encoding;
  let encoding = 0;
  if (enc.otype === 'HashGrid') {
    // Bilinear (4 corners) on static levels, trilinear (8) on spatio-temporal ones (spec §4.3.3).
    for (let l = 0; l < enc.n_levels; l++)
      encoding += (levelTimeResolution(enc, l) > 0 ? 8 : 4) * enc.n_features_per_level;
  } else encoding = 4 * enc.n_frequencies;
  const mlp = shapes.reduce((n, [out, inp]) => n + out * inp, 0);
  const D = config.latent.dim;
  let perFrame = D;
  for (const l of config.modulation.layers) {
    const [out, inp] = shapes[l];
    const widths = [D, ...config.modulation.hyper_hidden, config.modulation.rank * (out + inp)];
    for (let j = 0; j + 1 < widths.length; j++) perFrame += widths[j] * widths[j + 1];
    perFrame += out * inp * config.modulation.rank + out * inp;
  }
  const p = config.patch;
  return {
    encodingPerPixel: p ? encoding / (p.size * p.size) : encoding,
    mlpPerPixel: p ? mlp / (p.size * p.size) : mlp,
    convPerPixel: p ? 3 * 9 * p.channels : 0,
    perFrame,
  };
}

/** Total multiply-adds per pixel at width × height, the per-frame work amortized over the pixels. */
export function macsPerPixel(config: ModelConfig, width: number, height: number): number {
  const c = renderCost(config);
  return c.encodingPerPixel + c.mlpPerPixel + c.convPerPixel + c.perFrame / (width * height);
}
