/**
 * Compact transmission of a canonical Huffman table (spec/05-coding-payloads.md §5.1): the code lengths of
 * symbols 0 … num_code_lengths − 1, each coded relative to the previous one. Quantized weights have smooth,
 * U-shaped length profiles, so "same", "±1" and runs dominate: a typical 8-bit table costs ~60–100 bytes, where
 * a DHT-style list (counts per length + one byte per used symbol) costs ~280.
 */
import type { Syntax } from '../../container/syntax.js';
import { type HuffmanTable, lengthsProblem, MAX_ALPHABET_SIZE, MAX_CODE_LENGTH } from './table.js';

type LengthCode =
  | { kind: 'same' }
  | { kind: 'step'; down: 0 | 1 }
  | { kind: 'run'; log2: number; extra: number } // repeats the previous length 2^log2 + extra + 1 times
  | { kind: 'explicit'; length: number };

const RUN_LOG2_BITS = 4;
const EXPLICIT_LENGTH_BITS = 5;

export function huffmanTableSyntax(s: Syntax, t: HuffmanTable, alphabetSize: number): HuffmanTable {
  if (!Number.isInteger(alphabetSize) || alphabetSize < 1 || alphabetSize > MAX_ALPHABET_SIZE) {
    throw new RangeError(`alphabet size ${alphabetSize} is not an integer in [1, ${MAX_ALPHABET_SIZE}]`);
  }
  const lengths = s.reading ? new Uint8Array(alphabetSize) : t.lengths;
  let plan: LengthCode[] = [];
  let transmitted = 0;
  if (!s.reading) {
    const problem = lengthsProblem(lengths);
    if (problem) s.fail('bad-value', `cannot write Huffman table: ${problem}`);
    transmitted = lastUsedSymbol(lengths) + 1;
    if (transmitted > alphabetSize)
      s.fail(
        'bad-value',
        `symbol ${transmitted - 1} has a code but the alphabet has ${alphabetSize} symbols`,
      );
    plan = planLengthCodes(lengths, transmitted);
  }
  const n = s.u24('num_code_lengths', transmitted);
  if (n > alphabetSize)
    s.fail('limit-exceeded', `num_code_lengths = ${n} exceeds the alphabet size ${alphabetSize}`);
  let previous = 0;
  let i = 0;
  let k = 0;
  while (i < n) {
    const code: LengthCode | undefined = plan[k++];
    if (s.bits('length_is_previous', 1, code?.kind === 'same' ? 1 : 0)) {
      lengths[i++] = previous;
      continue;
    }
    if (s.bits('length_is_step', 1, code?.kind === 'step' ? 1 : 0)) {
      const down = s.bits('length_step_down', 1, code?.kind === 'step' ? code.down : 0);
      const length = down ? previous - 1 : previous + 1;
      if (length < 0 || length > MAX_CODE_LENGTH)
        s.fail('bad-value', `code length of symbol ${i} steps to ${length}`);
      lengths[i++] = previous = length;
      continue;
    }
    if (s.bits('length_is_run', 1, code?.kind === 'run' ? 1 : 0)) {
      const log2 = s.bits('run_log2', RUN_LOG2_BITS, code?.kind === 'run' ? code.log2 : 0);
      const extra = log2 > 0 ? s.bits('run_extra', log2, code?.kind === 'run' ? code.extra : 0) : 0;
      const run = 2 ** log2 + extra + 1;
      if (i + run > n)
        s.fail('bad-value', `run of ${run} code lengths at symbol ${i} passes num_code_lengths = ${n}`);
      lengths.fill(previous, i, i + run);
      i += run;
      continue;
    }
    const length = s.bits(
      'explicit_length',
      EXPLICIT_LENGTH_BITS,
      code?.kind === 'explicit' ? code.length : 0,
    );
    if (length > MAX_CODE_LENGTH)
      s.fail('bad-value', `code length ${length} of symbol ${i} exceeds ${MAX_CODE_LENGTH}`);
    lengths[i++] = previous = length;
  }
  s.align('code_lengths_padding');
  if (!s.reading) return t;
  if (n > 0 && lengths[n - 1] === 0)
    s.fail('bad-value', `num_code_lengths = ${n} but symbol ${n - 1} has no code`);
  const problem = lengthsProblem(lengths);
  if (problem) s.fail('bad-value', problem);
  return { lengths };
}

function lastUsedSymbol(lengths: Uint8Array): number {
  let last = lengths.length - 1;
  while (last >= 0 && lengths[last] === 0) last--;
  return last;
}

/** Greedy choice of length codes; any valid choice decodes the same, this one is what the encoder writes. */
function planLengthCodes(lengths: Uint8Array, n: number): LengthCode[] {
  const plan: LengthCode[] = [];
  let previous = 0;
  let i = 0;
  while (i < n) {
    let repeats = 0;
    while (i + repeats < n && lengths[i + repeats] === previous) repeats++;
    if (repeats >= 2) {
      const log2 = Math.floor(Math.log2(repeats - 1));
      // A run code costs 3 + 4 + log2 bits, "same" one bit per symbol.
      if (7 + log2 < repeats) {
        plan.push({ kind: 'run', log2, extra: repeats - 1 - 2 ** log2 });
        i += repeats;
        continue;
      }
    }
    const length = lengths[i];
    if (length === previous) plan.push({ kind: 'same' });
    else if (length === previous + 1 || length === previous - 1)
      plan.push({ kind: 'step', down: length < previous ? 1 : 0 });
    else plan.push({ kind: 'explicit', length });
    previous = length;
    i++;
  }
  return plan;
}
