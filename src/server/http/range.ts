/**
 * Range requests (RFC 9110 §14): `bytes=first-last`, `bytes=first-`, `bytes=-suffix`. One satisfiable range is
 * served as 206; a syntactically invalid field, another unit or several ranges are ignored (a server MAY ignore
 * Range, §14.2) and the whole representation is sent; a valid set with no satisfiable range is a 416.
 */

export type RangeDecision =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number } // inclusive end
  | { kind: 'unsatisfiable' };

const SPEC = /^(\d*)[ \t]*-[ \t]*(\d*)$/;

export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined) return { kind: 'full' };
  const eq = header.indexOf('=');
  if (eq < 0 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return { kind: 'full' };
  const specs = header
    .slice(eq + 1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (specs.length === 0) return { kind: 'full' };
  const ranges: Array<{ start: number; end: number } | null> = [];
  for (const spec of specs) {
    const m = SPEC.exec(spec);
    if (!m || (m[1] === '' && m[2] === '')) return { kind: 'full' };
    if (m[1] === '') {
      const suffix = Number(m[2]);
      ranges.push(suffix > 0 && size > 0 ? { start: Math.max(0, size - suffix), end: size - 1 } : null);
    } else {
      const first = Number(m[1]);
      const last = m[2] === '' ? Number.POSITIVE_INFINITY : Number(m[2]);
      if (last < first) return { kind: 'full' }; // invalid int-range: the whole field is invalid
      ranges.push(first < size ? { start: first, end: Math.min(last, size - 1) } : null);
    }
  }
  const satisfiable = ranges.filter((r) => r !== null);
  if (satisfiable.length === 0) return { kind: 'unsatisfiable' };
  if (ranges.length > 1) return { kind: 'full' };
  return { kind: 'partial', ...satisfiable[0] };
}
