/**
 * Seeded pseudo-random numbers, identical on every platform: xoshiro128** over 32-bit integer arithmetic
 * (Math.imul, >>>), seeded through splitmix32, so the same seed gives the same stream in Node and in a browser.
 * `normal()` uses Box–Muller; Math.log/sqrt/cos are V8's fdlibm ports, so it is reproducible across V8
 * platforms (other JS engines may differ in the last ulp, the integer stream never does).
 */

export interface Rng {
  /** Uniform in [0, 1), a multiple of 2^-32. */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Uniform integer in [0, n), for integer 1 ≤ n ≤ 2^32; unbiased (rejection sampling). */
  int(n: number): number;
  /** The raw 32-bit output, as an unsigned integer. */
  nextUint32(): number;
  /** Fills `out` with int(n) draws (the same stream as calling int(n) out.length times), faster. */
  fillInts(n: number, out: Uint32Array): Uint32Array;
  /** A copy of the xoshiro128** state words, from which another implementation can continue the stream. */
  state(): Uint32Array;
}

const TWO_POW_32 = 4294967296;

function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [s, z >>> 0];
}

/** `seed` is any finite number; its integer part modulo 2^32 (and the high word for larger seeds) selects the stream. */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`createRng: seed must be a finite number, got ${seed}`);
  const whole = Math.trunc(seed);
  let sm = (whole >>> 0) ^ Math.imul(Math.floor(whole / TWO_POW_32) | 0, 0x27d4eb2d);
  const s = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    const [next, out] = splitmix32(sm);
    sm = next;
    s[i] = out;
  }
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1; // the all-zero state is a fixed point

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
  const next = (): number => nextUint32() / TWO_POW_32;

  let spare = 0;
  let hasSpare = false;
  const normal = (): number => {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    // 1 − next() lies in (0, 1], so the logarithm is finite.
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const theta = 2 * Math.PI * next();
    spare = r * Math.sin(theta);
    hasSpare = true;
    return r * Math.cos(theta);
  };

  const int = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`Rng.int: n must be an integer in 1..2^32, got ${n}`);
    }
    // Reject the top partial bucket so every value is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const u = nextUint32();
      if (u < limit) return u % n;
    }
  };

  const fillInts = (n: number, out: Uint32Array): Uint32Array => {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`Rng.fillInts: n must be an integer in 1..2^32, got ${n}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (let i = 0; i < out.length; i++) {
      let u = nextUint32();
      while (u >= limit) u = nextUint32();
      // u % n without a double modulo (u may exceed 2^31): the quotient of two integers below 2^32 is never within
      // 2^-53 relative of the next integer, so its floor is exact, and so is q·n.
      out[i] = u - Math.floor(u / n) * n;
    }
    return out;
  };

  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    normal,
    int,
    nextUint32,
    fillInts,
    state: () => s.slice(),
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
