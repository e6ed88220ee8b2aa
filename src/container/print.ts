/**
 * `lirn info` box tree: the boxes of a file with offsets, sizes and every field, printed by walking the same
 * syntax functions that read and write them (PrintSyntax). Runs of one repeated field fold into one line, and
 * a box's field list is cut after `maxFieldLines` lines (Huffman tables would otherwise print bit by bit).
 */
import { emitBoxes, readBoxes } from './box-io.js';
import { type PrintedField, PrintSyntax } from './syntax.js';

export interface PrintOptions {
  /** Field lines printed per box before the rest is summarized; default 40. */
  maxFieldLines?: number;
}

/** Runs of one field longer than this print as `name[n] = first, second, third, … last`. */
const FOLD_AFTER = 4;

export function printBoxTree(bytes: Uint8Array, options: PrintOptions = {}): string {
  const s = new PrintSyntax();
  emitBoxes(s, readBoxes(bytes));
  return formatFields(s.fields, options);
}

export function formatFields(fields: readonly PrintedField[], options: PrintOptions = {}): string {
  const max = options.maxFieldLines ?? 40;
  const lines: string[] = [];
  let box = '';
  let shown = 0;
  let hidden = 0;
  let hiddenIndent = '';
  const flush = () => {
    if (hidden > 0) lines.push(`${hiddenIndent}… ${hidden} more fields`);
    hidden = 0;
  };
  let i = 0;
  while (i < fields.length) {
    const f = fields[i];
    const indent = '  '.repeat(f.depth);
    if (f.name === '') {
      flush();
      // The header fields follow `enter`: size, type, then largesize when size = 1.
      let size = fields[i + 1]?.value ?? '?';
      i += 3;
      if (size === '1' && fields[i]?.name === 'largesize') size = fields[i++].value;
      lines.push(`${indent}[${f.box}] @${f.offset} size ${size}`);
      continue;
    }
    if (f.box !== box) {
      flush();
      box = f.box;
      shown = 0;
    }
    let j = i + 1;
    while (j < fields.length && fields[j].name === f.name && fields[j].box === f.box) j++;
    const run = fields.slice(i, j).map((x) => x.value);
    const runLines =
      run.length > FOLD_AFTER
        ? [`${f.name}[${run.length}] = ${run.slice(0, 3).join(', ')}, … ${run[run.length - 1]}`]
        : run.map((v) => `${f.name} = ${v}`);
    for (const line of runLines) {
      if (shown < max) {
        lines.push(indent + line);
        shown++;
      } else {
        hidden++;
        hiddenIndent = indent;
      }
    }
    i = j;
  }
  flush();
  return lines.join('\n');
}
