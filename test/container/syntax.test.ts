import { describe, expect, it } from 'vitest';
import { ContainerError } from '../../src/container/errors.js';
import { ReadSyntax, type Syntax, WriteSyntax } from '../../src/container/syntax.js';

interface Sample {
  a: number;
  b: number;
  c: number;
  f: number;
  flag: number;
  nibble: number;
  tag: string;
  name: string;
  big: number;
}

function sampleSyntax(s: Syntax, x: Sample): void {
  x.a = s.u8('a', x.a);
  x.b = s.u16('b', x.b);
  x.c = s.u24('c', x.c);
  x.f = s.f32('f', x.f);
  x.flag = s.bits('flag', 1, x.flag);
  x.nibble = s.bits('nibble', 4, x.nibble);
  s.align();
  x.tag = s.fourcc('tag', x.tag);
  x.name = s.cstring('name', x.name);
  x.big = s.u64('big', x.big);
}

describe('syntax', () => {
  const value: Sample = {
    a: 7,
    b: 65535,
    c: 0x123456,
    f: 0.1,
    flag: 1,
    nibble: 9,
    tag: 'lirn',
    name: 'héllo',
    big: 2 ** 40 + 5,
  };

  it('round-trips through the writer and reader byte-exactly', () => {
    const w = new WriteSyntax();
    sampleSyntax(w, { ...value });
    const bytes = w.finish();
    const parsed = {} as Sample;
    sampleSyntax(new ReadSyntax(bytes), parsed);
    expect(parsed).toEqual({ ...value, f: Math.fround(0.1) });
    const w2 = new WriteSyntax();
    sampleSyntax(w2, parsed);
    expect(w2.finish()).toEqual(bytes);
  });

  it('reports truncation with the offset', () => {
    const w = new WriteSyntax();
    sampleSyntax(w, { ...value });
    const bytes = w.finish();
    for (let cut = 0; cut < bytes.length; cut++) {
      const r = new ReadSyntax(bytes.subarray(0, cut));
      expect(() => sampleSyntax(r, {} as Sample)).toThrow(ContainerError);
    }
  });

  it('rejects counts larger than the bytes that remain', () => {
    const bytes = new Uint8Array([0xff, 0xff, 0xff, 0xff, 1, 2]);
    const r = new ReadSyntax(bytes);
    try {
      r.count('entry_count', 32, 4);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ContainerError);
      expect((e as ContainerError).details).toBe('limit-exceeded');
      expect((e as ContainerError).offset).toBe(0);
    }
  });
});
