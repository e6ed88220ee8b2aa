/**
 * An independent IEEE-754 binary32 model in exact BigInt arithmetic (round to nearest, ties to even), used to
 * check that the normative JavaScript dequantization formula is true binary32 arithmetic.
 */

interface Exact {
  negative: boolean;
  mantissa: bigint;
  exponent: number; // value = ±mantissa · 2^exponent
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function decompose(x: number): Exact {
  f32[0] = x;
  const bits = u32[0];
  const negative = bits >>> 31 === 1;
  const biased = (bits >>> 23) & 0xff;
  const fraction = bits & 0x7fffff;
  if (biased === 0xff) throw new Error('not finite');
  if (biased === 0) return { negative, mantissa: BigInt(fraction), exponent: -149 };
  return { negative, mantissa: BigInt(fraction | 0x800000), exponent: biased - 150 };
}

function roundToBinary32({ negative, mantissa, exponent }: Exact): number {
  if (mantissa === 0n) return negative ? -0 : 0;
  const top = mantissa.toString(2).length - 1 + exponent; // value in [2^top, 2^(top+1))
  const quantumExponent = Math.max(top - 23, -149);
  let m = mantissa;
  if (quantumExponent > exponent) {
    const shift = BigInt(quantumExponent - exponent);
    const kept = m >> shift;
    const rest = m - (kept << shift);
    const half = 1n << (shift - 1n);
    m = rest > half || (rest === half && (kept & 1n) === 1n) ? kept + 1n : kept;
  } else {
    m <<= BigInt(exponent - quantumExponent);
  }
  const magnitude = Number(m) * 2 ** quantumExponent;
  const value = magnitude >= 2 ** 128 ? Number.POSITIVE_INFINITY : magnitude;
  return negative ? -value : value;
}

export function binary32Multiply(a: number, b: number): number {
  const x = decompose(a);
  const y = decompose(b);
  return roundToBinary32({
    negative: x.negative !== y.negative,
    mantissa: x.mantissa * y.mantissa,
    exponent: x.exponent + y.exponent,
  });
}

export function binary32Add(a: number, b: number): number {
  const x = decompose(a);
  const y = decompose(b);
  const exponent = Math.min(x.exponent, y.exponent);
  const sx = (x.negative ? -1n : 1n) * (x.mantissa << BigInt(x.exponent - exponent));
  const sy = (y.negative ? -1n : 1n) * (y.mantissa << BigInt(y.exponent - exponent));
  const sum = sx + sy;
  if (sum === 0n) return x.negative && y.negative ? -0 : 0;
  return roundToBinary32({ negative: sum < 0n, mantissa: sum < 0n ? -sum : sum, exponent });
}
