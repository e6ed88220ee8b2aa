/**
 * Conditional requests (RFC 9110 §13.2.2), evaluated in the specified order for a GET or HEAD of a representation
 * with a strong entity tag and a Last-Modified time:
 *   1. If-Match (strong comparison) false → 412;  2. else If-Unmodified-Since false → 412;
 *   3. If-None-Match (weak comparison) false → 304;  4. else If-Modified-Since false → 304;
 *   5. If-Range decides whether a Range applies (rangeApplies).
 */
import { type EntityTag, parseEntityTag, parseEntityTagList, strongMatch, weakMatch } from './etag.js';
import { parseHttpDate, toSeconds } from './http-date.js';

export interface Validators {
  etag: EntityTag;
  /** Last-Modified in ms (compared at one-second resolution). */
  lastModified: number;
}

export type PreconditionOutcome = 'proceed' | 'not-modified' | 'precondition-failed';

type Headers = Record<string, string | string[] | undefined>;

function single(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** A date-valued field is ignored unless it is exactly one valid HTTP-date (§13.1.3, §13.1.4). */
function dateField(headers: Headers, name: string): number | null {
  const v = headers[name];
  if (v === undefined || Array.isArray(v)) return null;
  return parseHttpDate(v);
}

export function evaluatePreconditions(method: string, headers: Headers, v: Validators): PreconditionOutcome {
  const safe = method === 'GET' || method === 'HEAD';
  const ifMatch = single(headers, 'if-match');
  if (ifMatch !== undefined) {
    const list = parseEntityTagList(ifMatch);
    const ok = list === '*' || (Array.isArray(list) && list.some((t) => strongMatch(t, v.etag)));
    if (!ok) return 'precondition-failed';
  } else {
    const since = dateField(headers, 'if-unmodified-since');
    if (since !== null && toSeconds(v.lastModified) > toSeconds(since)) return 'precondition-failed';
  }
  const ifNoneMatch = single(headers, 'if-none-match');
  if (ifNoneMatch !== undefined) {
    const list = parseEntityTagList(ifNoneMatch);
    const matches = list === '*' || (Array.isArray(list) && list.some((t) => weakMatch(t, v.etag)));
    if (matches) return safe ? 'not-modified' : 'precondition-failed';
  } else if (safe) {
    const since = dateField(headers, 'if-modified-since');
    if (since !== null && toSeconds(v.lastModified) <= toSeconds(since)) return 'not-modified';
  }
  return 'proceed';
}

/**
 * If-Range (§13.1.5): absent → the Range applies; an entity tag must match strongly; a date must equal
 * Last-Modified exactly (our Last-Modified is a strong validator: files never change after they are written).
 */
export function rangeApplies(headers: Headers, v: Validators): boolean {
  const ifRange = single(headers, 'if-range');
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) {
    const tag = parseEntityTag(value);
    return tag !== null && strongMatch(tag, v.etag);
  }
  const date = parseHttpDate(value);
  return date !== null && toSeconds(date) === toSeconds(v.lastModified);
}
