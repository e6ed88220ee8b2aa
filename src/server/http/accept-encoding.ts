/**
 * Content-coding negotiation (RFC 9110 §12.5.3) for the small text resources we compress (playlists, JSON lists):
 * the acceptable coding with the highest qvalue wins, br before gzip on ties; identity otherwise.
 */
export type Coding = 'br' | 'gzip' | 'identity';

export function chooseCoding(header: string | undefined): Coding {
  if (!header) return 'identity';
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/.exec(p);
      if (m) weight = Math.min(1, Number(m[1]));
    }
    q.set(name.trim(), weight);
  }
  const weightOf = (c: string) => q.get(c) ?? q.get('*') ?? 0;
  // Compression wins ties with identity (same qvalue); between br and gzip, br wins ties.
  let best: Coding = 'identity';
  let bestQ = q.get('identity') ?? 1;
  let compressed = false;
  for (const c of ['br', 'gzip'] as const) {
    const w = weightOf(c);
    if (w > 0 && (compressed ? w > bestQ : w >= bestQ)) {
      best = c;
      bestQ = w;
      compressed = true;
    }
  }
  return best;
}
