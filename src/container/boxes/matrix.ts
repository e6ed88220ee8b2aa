/** The 3×3 transformation matrix of mvhd/tkhd (16.16 and 2.30 fixed point); identity unless set. */
import type { Syntax } from '../syntax.js';

export const UNITY_MATRIX: readonly number[] = [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000];

export function matrixSyntax(s: Syntax, v: readonly number[] | undefined): number[] {
  const m: number[] = [];
  for (let i = 0; i < 9; i++) m.push(s.i32('matrix', (v ?? UNITY_MATRIX)[i]));
  return m;
}

/** A field that is 32 bits in version 0 boxes and 64 bits in version 1 (times and durations). */
export function versionedU32or64(
  s: Syntax,
  version: number | undefined,
  name: string,
  v: number | undefined,
): number {
  return version === 1 ? s.u64(name, v ?? 0) : s.u32(name, v ?? 0);
}
