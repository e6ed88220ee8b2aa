import { readFile } from 'node:fs/promises';
import { codedTensorGroupSyntax, latentCodingSyntax } from '../../codec/coding/index.js';
import { parameterCount } from '../../codec/model/params.js';
import { printBoxTree, readLirnFile, writeBoxes } from '../../container/index.js';
import type { LirnFile } from '../../container/lirn-file.js';
import { WriteSyntax } from '../../container/syntax.js';
import { parseCommand, UsageError } from '../args.js';

export const INFO_USAGE = `usage: lirn info FILE.lirn [--boxes] [--json]

Prints the model configuration of each chunk and the bytes of each component with its share of the bpp.
  --boxes   also print the whole ISO-BMFF box tree with every field
  --json    machine-readable summary
`;

export interface ComponentBytes {
  component: string;
  bytes: number;
  bpp: number;
  share: number;
}

function syntaxBytes(write: (s: WriteSyntax) => void): number {
  const s = new WriteSyntax();
  write(s);
  return s.finish().length;
}

/** Bytes of each component of the file; what no component claims is container overhead (boxes, lirC). */
export function componentBytes(file: LirnFile, totalBytes: number): ComponentBytes[] {
  const sums = new Map<string, number>();
  const add = (k: string, n: number) => sums.set(k, (sums.get(k) ?? 0) + n);
  for (const chunk of file.chunks) {
    for (const g of chunk.weights)
      add(
        g.group,
        syntaxBytes((s) => codedTensorGroupSyntax(s, g)),
      );
    add(
      'latents',
      syntaxBytes((s) => latentCodingSyntax(s, chunk.latentCoding)),
    );
    for (const box of chunk.extraBoxes ?? [])
      if (box.type === 'lirA') add('alignment', writeBoxes([box]).length);
  }
  for (const seg of file.segments) for (const s of seg.samples) add('latents', s.length);
  const claimed = [...sums.values()].reduce((a, b) => a + b, 0);
  sums.set('container', totalBytes - claimed);
  const pixels = file.displayWidth * file.displayHeight * file.frameCount;
  return [...sums].map(([component, bytes]) => ({
    component,
    bytes,
    bpp: (bytes * 8) / pixels,
    share: bytes / totalBytes,
  }));
}

export function summarize(file: LirnFile, bytes: number) {
  return {
    frames: file.frameCount,
    fps: file.timescale / file.sampleDuration,
    width: file.displayWidth,
    height: file.displayHeight,
    bytes,
    bpp: (bytes * 8) / (file.displayWidth * file.displayHeight * file.frameCount),
    segments: file.segments.length,
    chunks: file.chunks.map((c) => ({
      firstFrame: c.firstFrame,
      frameCount: c.frameCount,
      trainedSize: `${c.width}x${c.height}`,
      parameters: parameterCount(c.config, c.frameCount),
      config: c.config,
    })),
    components: componentBytes(file, bytes),
  };
}

export async function infoCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    { boxes: { type: 'boolean' }, json: { type: 'boolean' } },
    INFO_USAGE,
  );
  if (positionals.length !== 1) throw new UsageError(`expected one FILE\n\n${INFO_USAGE}`);
  const bytes = new Uint8Array(await readFile(positionals[0]));
  const file = readLirnFile(bytes);
  const summary = summarize(file, bytes.length);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  }
  const out: string[] = [];
  out.push(
    `${positionals[0]}: ${summary.frames} frames, ${summary.width}x${summary.height} @ ${summary.fps.toFixed(3)} fps`,
  );
  out.push(
    `${summary.bytes} bytes, ${summary.bpp.toFixed(4)} bpp, ${summary.segments} segments, ${summary.chunks.length} model(s)`,
  );
  out.push('');
  out.push('component        bytes       bpp    share');
  for (const c of summary.components) {
    out.push(
      `${c.component.padEnd(12)} ${String(c.bytes).padStart(9)}  ${c.bpp.toFixed(5).padStart(8)}  ${(100 * c.share).toFixed(1).padStart(5)}%`,
    );
  }
  summary.chunks.forEach((c, k) => {
    out.push('');
    out.push(
      `model ${k}: frames ${c.firstFrame}..${c.firstFrame + c.frameCount - 1}, trained at ${c.trainedSize}, ${c.parameters} parameters`,
    );
    out.push(`  ${JSON.stringify(c.config)}`);
  });
  if (values.boxes) {
    out.push('');
    out.push(printBoxTree(bytes));
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
