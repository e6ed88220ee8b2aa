/** Box trees to and from bytes with the `lirn` registry. */
import { type Box, boxSyntax } from './box.js';
import { LIRN_BOXES } from './registry.js';
import { ReadSyntax, type Syntax, WriteSyntax } from './syntax.js';

/** Parses every top-level box of `bytes[start, end)`. Throws ContainerError on malformed input. */
export function readBoxes(bytes: Uint8Array, start = 0, end = bytes.length): Box[] {
  const s = new ReadSyntax(bytes, start, end);
  const boxes: Box[] = [];
  while (s.remaining() > 0) boxes.push(boxSyntax(s, {} as Box, LIRN_BOXES));
  return boxes;
}

/** Emits boxes through any writing syntax (WriteSyntax for bytes, PrintSyntax for `lirn info`). */
export function emitBoxes(s: Syntax, boxes: readonly Box[]): void {
  for (const b of boxes) boxSyntax(s, b, LIRN_BOXES);
}

export function writeBoxes(boxes: readonly Box[]): Uint8Array {
  const s = new WriteSyntax();
  emitBoxes(s, boxes);
  return s.finish();
}
