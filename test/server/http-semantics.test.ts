import { describe, expect, it } from 'vitest';
import { chooseCoding } from '../../src/server/http/accept-encoding.js';
import { parseEntityTagList, strongMatch, weakMatch } from '../../src/server/http/etag.js';
import { formatHttpDate, parseHttpDate } from '../../src/server/http/http-date.js';
import { evaluatePreconditions, rangeApplies } from '../../src/server/http/preconditions.js';
import { decideRange } from '../../src/server/http/range.js';

const T = Date.UTC(1994, 10, 6, 8, 49, 37); // RFC 9110's example date
const V = { etag: { weak: false, opaque: 'abc' }, lastModified: T + 250 };

describe('HTTP-date (RFC 9110 §5.6.7)', () => {
  it('reads all three formats and writes IMF-fixdate', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(T);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(T);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(T);
    expect(formatHttpDate(T + 999)).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
  });
  it('rejects what is not a date', () => {
    for (const bad of [
      '',
      'yesterday',
      'Sun, 06 Nov 1994 08:49:37 UTC',
      'Sun, 31 Feb 1994 08:49:37 GMT',
      '784111777',
      'Sun, 06 Nov 1994 25:49:37 GMT',
    ]) {
      expect(parseHttpDate(bad), bad).toBeNull();
    }
  });
});

describe('entity tags (§8.8.3)', () => {
  it('parses lists and compares strongly and weakly', () => {
    const list = parseEntityTagList('W/"abc", "def" ,"x"');
    expect(list).toEqual([
      { weak: true, opaque: 'abc' },
      { weak: false, opaque: 'def' },
      { weak: false, opaque: 'x' },
    ]);
    expect(parseEntityTagList('*')).toBe('*');
    expect(parseEntityTagList('abc')).toBeNull();
    expect(parseEntityTagList('"a" "b"')).toBeNull();
    const [weak] = list as Array<{ weak: boolean; opaque: string }>;
    expect(weakMatch(weak, V.etag)).toBe(true);
    expect(strongMatch(weak, V.etag)).toBe(false);
  });
});

describe('preconditions in RFC 9110 §13.2.2 order', () => {
  const date = (ms: number) => formatHttpDate(ms);
  it('If-None-Match uses weak comparison and wins over If-Modified-Since', () => {
    expect(evaluatePreconditions('GET', { 'if-none-match': 'W/"abc"' }, V)).toBe('not-modified');
    expect(evaluatePreconditions('GET', { 'if-none-match': '"zzz", "abc"' }, V)).toBe('not-modified');
    expect(evaluatePreconditions('GET', { 'if-none-match': '*' }, V)).toBe('not-modified');
    // A non-matching If-None-Match means modified, whatever If-Modified-Since says.
    expect(
      evaluatePreconditions('GET', { 'if-none-match': '"zzz"', 'if-modified-since': date(T + 60_000) }, V),
    ).toBe('proceed');
    expect(evaluatePreconditions('POST', { 'if-none-match': '"abc"' }, V)).toBe('precondition-failed');
  });
  it('If-Modified-Since compares at one-second resolution and ignores invalid dates', () => {
    expect(evaluatePreconditions('GET', { 'if-modified-since': date(T) }, V)).toBe('not-modified');
    expect(evaluatePreconditions('HEAD', { 'if-modified-since': date(T + 5000) }, V)).toBe('not-modified');
    expect(evaluatePreconditions('GET', { 'if-modified-since': date(T - 1000) }, V)).toBe('proceed');
    expect(evaluatePreconditions('GET', { 'if-modified-since': 'not a date' }, V)).toBe('proceed');
  });
  it('If-Match is strong and comes first; If-Unmodified-Since only without If-Match', () => {
    expect(evaluatePreconditions('GET', { 'if-match': '"abc"' }, V)).toBe('proceed');
    expect(evaluatePreconditions('GET', { 'if-match': 'W/"abc"' }, V)).toBe('precondition-failed');
    expect(evaluatePreconditions('GET', { 'if-match': '"nope"', 'if-none-match': '"abc"' }, V)).toBe(
      'precondition-failed',
    );
    expect(evaluatePreconditions('GET', { 'if-unmodified-since': date(T - 1000) }, V)).toBe(
      'precondition-failed',
    );
    expect(evaluatePreconditions('GET', { 'if-unmodified-since': date(T) }, V)).toBe('proceed');
    expect(evaluatePreconditions('GET', { 'if-match': '*', 'if-unmodified-since': date(T - 1000) }, V)).toBe(
      'proceed',
    );
  });
  it('If-Range: strong tag or the exact Last-Modified date', () => {
    expect(rangeApplies({}, V)).toBe(true);
    expect(rangeApplies({ 'if-range': '"abc"' }, V)).toBe(true);
    expect(rangeApplies({ 'if-range': 'W/"abc"' }, V)).toBe(false);
    expect(rangeApplies({ 'if-range': '"other"' }, V)).toBe(false);
    expect(rangeApplies({ 'if-range': date(T) }, V)).toBe(true);
    expect(rangeApplies({ 'if-range': date(T + 1000) }, V)).toBe(false);
  });
});

describe('byte ranges (§14.1.2, §14.2)', () => {
  it('serves one satisfiable range, clamped to the representation', () => {
    expect(decideRange('bytes=0-9', 100)).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(decideRange('bytes=90-', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(decideRange('bytes=-10', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(decideRange('bytes=-1000', 100)).toEqual({ kind: 'partial', start: 0, end: 99 });
    expect(decideRange('bytes=50-5000', 100)).toEqual({ kind: 'partial', start: 50, end: 99 });
    expect(decideRange('Bytes = 1-1', 100)).toEqual({ kind: 'partial', start: 1, end: 1 });
    // Several ranges (one unsatisfiable) are not served as multipart/byteranges: the whole representation is.
    expect(decideRange('bytes=500-600, 0-0', 100)).toEqual({ kind: 'full' });
  });
  it('416 only when no range is satisfiable', () => {
    expect(decideRange('bytes=100-', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(decideRange('bytes=-0', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(decideRange('bytes=0-0', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(decideRange('bytes=200-300,400-', 100)).toEqual({ kind: 'unsatisfiable' });
  });
  it('ignores invalid fields, other units and multiple ranges (the whole representation is sent)', () => {
    for (const h of [
      'bytes=9-1',
      'items=0-1',
      'bytes=abc',
      'bytes=',
      'bytes=-',
      'bytes 0-1',
      'bytes=0-1,2-3',
    ]) {
      expect(decideRange(h, 100), h).toEqual({ kind: 'full' });
    }
  });
});

describe('content-coding negotiation (§12.5.3)', () => {
  it('picks the best accepted coding, br on ties, identity when none', () => {
    expect(chooseCoding(undefined)).toBe('identity');
    expect(chooseCoding('gzip, deflate, br')).toBe('br');
    expect(chooseCoding('gzip;q=1, br;q=0.5')).toBe('gzip');
    expect(chooseCoding('br;q=0, gzip')).toBe('gzip');
    expect(chooseCoding('*')).toBe('br');
    expect(chooseCoding('identity')).toBe('identity');
    expect(chooseCoding('gzip;q=0.2, identity;q=1')).toBe('identity');
    expect(chooseCoding('deflate')).toBe('identity');
  });
});
