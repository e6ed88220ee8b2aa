import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { float32Sha256, Sha256, sha256Hex } from '../../../src/codec/conformance/index.js';
import { createRng } from '../../../src/codec/util/random.js';

const nodeSha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('sha256', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(sha256Hex(new Uint8Array())).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('matches node:crypto at every length around the padding boundaries and in pieces', () => {
    const rng = createRng(7);
    for (const n of [1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 4099]) {
      const data = new Uint8Array(n).map(() => rng.int(256));
      expect(sha256Hex(data), `length ${n}`).toBe(nodeSha(data));
      const h = new Sha256();
      for (let at = 0; at < n; at += 37) h.update(data.subarray(at, Math.min(n, at + 37)));
      expect(h.hex(), `length ${n} in pieces`).toBe(nodeSha(data));
    }
  });

  it('hashes float32 bit patterns little-endian, so one flipped mantissa bit changes the hash', () => {
    const data = new Float32Array([1.5, -0, 3.25e-40, 65504]);
    const le = new Uint8Array(16);
    const view = new DataView(le.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
    expect(float32Sha256(data)).toBe(nodeSha(le));
    const flipped = data.slice();
    new Uint32Array(flipped.buffer)[0] ^= 1;
    expect(flipped[0]).not.toBe(data[0]);
    expect(float32Sha256(flipped)).not.toBe(float32Sha256(data));
    // −0 and +0 compare equal as numbers but are different bit patterns.
    expect(float32Sha256(new Float32Array([0]))).not.toBe(float32Sha256(new Float32Array([-0])));
  });
});
