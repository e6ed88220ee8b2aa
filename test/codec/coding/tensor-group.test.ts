import { describe, expect, it } from 'vitest';
import {
  type CodedTensorGroup,
  codedTensorGroupSyntax,
  decodeTensorGroup,
  encodeTensorGroup,
} from '../../../src/codec/coding/index.js';
import type { Tensor } from '../../../src/codec/model/params.js';
import { dequantizeTensor, quantizeTensor } from '../../../src/codec/quant/index.js';
import { createRng, type Rng } from '../../../src/codec/util/random.js';
import { ContainerError } from '../../../src/container/errors.js';
import { ReadSyntax, WriteSyntax } from '../../../src/container/syntax.js';

function gaussian(rng: Rng, shape: number[], std: number): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Float32Array.from({ length: size }, () => std * rng.normal()) };
}

function write(g: CodedTensorGroup): Uint8Array {
  const w = new WriteSyntax();
  codedTensorGroupSyntax(w, g);
  return w.finish();
}

function parse(bytes: Uint8Array, start = 0): CodedTensorGroup {
  const r = new ReadSyntax(bytes, start);
  const g = codedTensorGroupSyntax(r, {} as CodedTensorGroup);
  // what the enclosing box reader does with bytes the payload leaves unread
  if (r.remaining() !== 0)
    throw new ContainerError('bad-size', 'lirW', r.position(), 'bytes left after the group');
  return g;
}

function bitsOf(a: Float32Array): number[] {
  return [...new Uint32Array(a.buffer, a.byteOffset, a.length)];
}

/** Parse + decode must either succeed or raise a ContainerError; anything else fails the test. */
function parseAndDecodeOrContainerError(bytes: Uint8Array): 'ok' | 'error' {
  try {
    for (const { tensor } of decodeTensorGroup(parse(bytes))) {
      for (const v of tensor.data) if (!Number.isFinite(v)) throw new Error('decoded a non-finite value');
    }
    return 'ok';
  } catch (e) {
    if (e instanceof ContainerError) return 'error';
    throw e;
  }
}

describe('coded tensor group (lirW payload)', () => {
  const rng = createRng(11);
  const tensors = [
    { name: 'hyper.1.0.weight', tensor: gaussian(rng, [48, 32], 0.2) },
    { name: 'hyper.1.0.bias', tensor: gaussian(rng, [48], 0.01) },
    { name: 'hyper.1.1.weight', tensor: gaussian(rng, [96, 48], 0.05) },
    { name: 'hyper.1.1.bias', tensor: gaussian(rng, [96], 0.01) },
  ];

  for (const [bits, mode] of [
    [8, 'channel'],
    [6, 'tensor'],
    [16, 'channel'],
    [1, 'tensor'],
  ] as const) {
    it(`round-trips byte-exactly and decodes to exactly the quantized values (${bits} bits, ${mode})`, () => {
      const g = encodeTensorGroup('hyper', tensors, bits, mode);
      const bytes = write(g);
      const parsed = parse(bytes);
      expect(parsed.group).toBe('hyper');
      expect(parsed.payloadOffset).toBe(bytes.length - g.payload.length);
      expect(write(parsed)).toEqual(bytes);
      const decoded = decodeTensorGroup(parsed);
      expect(decoded.map((d) => d.name)).toEqual(tensors.map((t) => t.name));
      decoded.forEach(({ tensor }, k) => {
        const source = tensors[k].tensor;
        // biases (rank 1) always use one range: per-element ranges would cost more than they save
        const tensorMode = mode === 'channel' && source.shape.length === 2 ? 'channel' : 'tensor';
        expect(parsed.tensors[k].mode).toBe(tensorMode);
        const expected = dequantizeTensor(quantizeTensor(source, bits, tensorMode));
        expect(tensor.shape).toEqual(source.shape);
        expect(bitsOf(tensor.data)).toEqual(bitsOf(expected.data));
      });
    });
  }

  it('handles empty groups and constant tensors', () => {
    const empty = encodeTensorGroup('patch', [], 8, 'channel');
    expect(decodeTensorGroup(parse(write(empty)))).toEqual([]);
    const constant = encodeTensorGroup(
      'base',
      [{ name: 'base.0.bias', tensor: { shape: [5], data: new Float32Array(5).fill(0.75) } }],
      8,
      'tensor',
    );
    const bytes = write(constant);
    expect(constant.payload.length).toBe(1); // five 1-bit codes
    expect([...decodeTensorGroup(parse(bytes))[0].tensor.data]).toEqual([0.75, 0.75, 0.75, 0.75, 0.75]);
  });

  const small = encodeTensorGroup(
    'base',
    [
      { name: 'base.0.weight', tensor: gaussian(createRng(12), [4, 8], 0.3) },
      { name: 'base.0.bias', tensor: gaussian(createRng(13), [4], 0.1) },
    ],
    4,
    'channel',
  );
  const smallBytes = write(small);

  it('gives a ContainerError for every truncation', () => {
    for (let n = 0; n < smallBytes.length; n++) {
      expect(parseAndDecodeOrContainerError(smallBytes.subarray(0, n)), `truncated to ${n} bytes`).toBe(
        'error',
      );
    }
  });

  it('gives a ContainerError or a valid decode for random bit flips', () => {
    const flip = createRng(14);
    const outcomes = { ok: 0, error: 0 };
    for (let trial = 0; trial < 3000; trial++) {
      const bytes = smallBytes.slice();
      const flips = 1 + flip.int(3);
      for (let k = 0; k < flips; k++) bytes[flip.int(bytes.length)] ^= 1 << flip.int(8);
      outcomes[parseAndDecodeOrContainerError(bytes)]++;
    }
    expect(outcomes.error).toBeGreaterThan(0);
    expect(outcomes.ok).toBeGreaterThan(0);
  });

  it('rejects semantically invalid fields with their names', () => {
    const corrupt = (edit: (b: Uint8Array) => void): ContainerError => {
      const b = smallBytes.slice();
      edit(b);
      try {
        decodeTensorGroup(parse(b));
      } catch (e) {
        if (e instanceof ContainerError) return e;
        throw e;
      }
      throw new Error('expected a ContainerError');
    };
    expect(corrupt((b) => (b[0] = 9)).message).toMatch(/param_group = 9/);
    const bitsAt = 3 + 'base.0.weight'.length + 1 + 1 + 8; // group, count, name, rank, dims
    expect(corrupt((b) => (b[bitsAt] = 17)).message).toMatch(/quant_bits = 17/);
    expect(corrupt((b) => (b[bitsAt + 1] = 2)).message).toMatch(/quant_mode = 2/);
    // quant_min of row 0 = NaN
    expect(corrupt((b) => b.set([0x7f, 0xc0, 0, 0], bitsAt + 2)).message).toMatch(/finite/);
    // channel mode on a tensor without rows
    const empty = write(
      encodeTensorGroup(
        'base',
        [{ name: 'e', tensor: { shape: [0, 3], data: new Float32Array(0) } }],
        8,
        'tensor',
      ),
    );
    const modeAt = 3 + 2 + 1 + 8 + 1; // group, count, name 'e', rank, 2 dims, quant_bits
    expect(empty[modeAt]).toBe(0);
    empty[modeAt] = 1;
    expect(() => parse(empty)).toThrow(/no rows/);
    // tensor_count far beyond the bytes present
    expect(corrupt((b) => b.set([0xff, 0xff], 1)).details).toBe('limit-exceeded');
  });
});
