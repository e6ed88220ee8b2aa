/** Shared syntax pieces of coded payloads: quantization bits, mode and per-channel min/scale (spec §5.2). */
import type { Syntax } from '../../container/syntax.js';
import { dequantizeValue } from '../quant/dequantize.js';
import { MAX_QUANT_BITS, MIN_QUANT_BITS, type QuantMode } from '../quant/types.js';

const QUANT_MODES: readonly QuantMode[] = ['tensor', 'channel'];

export function quantBitsSyntax(s: Syntax, bits: number): number {
  const b = s.u8('quant_bits', bits);
  if (b < MIN_QUANT_BITS || b > MAX_QUANT_BITS)
    s.fail('bad-value', `quant_bits = ${b} is outside [${MIN_QUANT_BITS}, ${MAX_QUANT_BITS}]`);
  return b;
}

export function quantModeSyntax(s: Syntax, mode: QuantMode): QuantMode {
  const code = s.u8('quant_mode', s.reading ? undefined : QUANT_MODES.indexOf(mode));
  const m = QUANT_MODES[code];
  if (m === undefined) s.fail('bad-value', `quant_mode = ${code} is not 0 (tensor) or 1 (channel)`);
  return m;
}

/**
 * `channels` pairs of quant_min, quant_scale (binary32). Checked when read: finite, scale ≥ 0, and the largest
 * symbol dequantizes to a finite value, so every decoded parameter is finite.
 */
export function quantRangesSyntax(
  s: Syntax,
  channels: number,
  bits: number,
  v: { mins: Float32Array; scales: Float32Array },
): { mins: Float32Array; scales: Float32Array } {
  if (s.reading && channels * 8 > s.remaining()) {
    s.fail(
      'limit-exceeded',
      `${channels} quantization ranges need ${channels * 8} bytes, ${s.remaining()} remain`,
    );
  }
  if (!s.reading && (v.mins.length !== channels || v.scales.length !== channels)) {
    s.fail(
      'bad-value',
      `${channels} channels need ${channels} mins and scales, got ${v.mins.length} and ${v.scales.length}`,
    );
  }
  const mins = s.reading ? new Float32Array(channels) : v.mins;
  const scales = s.reading ? new Float32Array(channels) : v.scales;
  const top = 2 ** bits - 1;
  for (let c = 0; c < channels; c++) {
    const min = s.f32('quant_min', mins[c]);
    const scale = s.f32('quant_scale', scales[c]);
    if (
      !Number.isFinite(min) ||
      !Number.isFinite(scale) ||
      scale < 0 ||
      !Number.isFinite(dequantizeValue(top, min, scale))
    ) {
      s.fail(
        'bad-value',
        `channel ${c}: quant_min = ${min}, quant_scale = ${scale} do not give finite values`,
      );
    }
    mins[c] = min;
    scales[c] = scale;
  }
  return { mins, scales };
}

/** ContainerError-free check used before dequantizing: the first symbol not below 2^bits, or −1. */
export function firstSymbolOutOfRange(symbols: Uint32Array, bits: number): number {
  const limit = 2 ** bits;
  for (let i = 0; i < symbols.length; i++) if (symbols[i] >= limit) return i;
  return -1;
}
