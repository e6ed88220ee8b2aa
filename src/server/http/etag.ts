/**
 * Entity tags (RFC 9110 §8.8.3): `"opaque"` or weak `W/"opaque"`; strong comparison needs both strong and equal
 * opaque values, weak comparison only equal opaque values (§8.8.3.2).
 */

export interface EntityTag {
  weak: boolean;
  opaque: string;
}

const ETAG_CHARS = /^[\x21\x23-\x7e\x80-\xff]*$/;

/**
 * The members of an If-Match / If-None-Match value: '*' or a list of entity tags. A malformed member makes the whole
 * field unusable (null): no tag can be trusted to match.
 */
export function parseEntityTagList(value: string): '*' | EntityTag[] | null {
  const text = value.trim();
  if (text === '*') return '*';
  const tags: EntityTag[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === ',')) i++;
    if (i >= text.length) break;
    let weak = false;
    if (text.startsWith('W/', i)) {
      weak = true;
      i += 2;
    }
    if (text[i] !== '"') return null;
    const end = text.indexOf('"', i + 1);
    if (end < 0) return null;
    const opaque = text.slice(i + 1, end);
    if (!ETAG_CHARS.test(opaque)) return null;
    tags.push({ weak, opaque });
    i = end + 1;
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
    if (i < text.length && text[i] !== ',') return null;
  }
  return tags.length ? tags : null;
}

export function parseEntityTag(value: string): EntityTag | null {
  const list = parseEntityTagList(value);
  return Array.isArray(list) && list.length === 1 ? list[0] : null;
}

export function strongMatch(a: EntityTag, b: EntityTag): boolean {
  return !a.weak && !b.weak && a.opaque === b.opaque;
}

export function weakMatch(a: EntityTag, b: EntityTag): boolean {
  return a.opaque === b.opaque;
}

export function formatEntityTag(tag: EntityTag): string {
  return `${tag.weak ? 'W/' : ''}"${tag.opaque}"`;
}
