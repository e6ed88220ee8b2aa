/**
 * HTTP-date (RFC 9110 §5.6.7): recipients accept IMF-fixdate, the obsolete RFC 850 form and asctime; senders write
 * IMF-fixdate. Anything else is not a date (the caller then ignores the header field).
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

function build(year: number, month: string, day: number, h: string, m: string, s: string): number | null {
  const mon = MONTHS.indexOf(month);
  const hh = Number(h);
  const mm = Number(m);
  const ss = Number(s);
  if (day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60) return null;
  const t = Date.UTC(year, mon, day, hh, mm, Math.min(ss, 59));
  // Reject dates such as 31 Feb that Date.UTC would roll over into the next month.
  return new Date(t).getUTCDate() === day ? t : null;
}

/** Milliseconds since the epoch, or null when `text` is not an HTTP-date. */
export function parseHttpDate(text: string): number | null {
  const value = text.trim();
  let m = IMF_FIXDATE.exec(value);
  if (m) return build(Number(m[3]), m[2], Number(m[1]), m[4], m[5], m[6]);
  m = RFC850.exec(value);
  if (m) {
    // Two-digit years (RFC 9110 §5.6.7): one that appears more than 50 years in the future is in the past century.
    let year = 2000 + Number(m[3]);
    if (year > new Date().getUTCFullYear() + 50) year -= 100;
    return build(year, m[2], Number(m[1]), m[4], m[5], m[6]);
  }
  m = ASCTIME.exec(value);
  if (m) return build(Number(m[6]), m[1], Number(m[2].trim()), m[3], m[4], m[5]);
  return null;
}

/** IMF-fixdate of a time, to whole seconds (what Last-Modified carries). */
export function formatHttpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

/** HTTP dates have one-second resolution: comparisons use the time truncated to seconds. */
export function toSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
