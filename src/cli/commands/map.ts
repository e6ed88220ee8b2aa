import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { readLirnFile } from '../../container/read-file.js';
import { type MapSpace, mapInput, umap2d } from '../../search/latent-map.js';
import { renderMapSvg } from '../../search/svg-map.js';
import { parseCommand, parsePositive, requireOption, UsageError } from '../args.js';

export const MAP_USAGE = `usage: lirn map FILE.lirn -o MAP.svg [options]

Projects the per-frame latents to 2-D with UMAP and draws them coloured by frame time (dark → light).
  -o, --output FILE   the SVG to write
  --space S           auto (feature space when the file is aligned, else raw latents), feature or latent
  --neighbors N       UMAP n_neighbors (default 15)
  --min-dist D        UMAP min_dist (default 0.1)
  --seed N            UMAP random seed (default 0)
  --csv FILE          also write the 2-D points (frame,x,y)
`;

export async function mapCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      output: { type: 'string', short: 'o' },
      space: { type: 'string', default: 'auto' },
      neighbors: { type: 'string' },
      'min-dist': { type: 'string' },
      seed: { type: 'string', default: '0' },
      csv: { type: 'string' },
    },
    MAP_USAGE,
  );
  if (positionals.length !== 1) throw new UsageError(`expected one FILE\n\n${MAP_USAGE}`);
  const output = requireOption(values.output, '-o MAP.svg', MAP_USAGE);
  const space = values.space as MapSpace;
  if (!['auto', 'latent', 'feature'].includes(space))
    throw new UsageError(`--space must be auto, feature or latent, got '${values.space}'`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0)
    throw new UsageError(`--seed must be a non-negative integer, got '${values.seed}'`);
  const minDist = values['min-dist'] === undefined ? undefined : Number(values['min-dist']);
  if (minDist !== undefined && !(minDist >= 0 && minDist <= 1))
    throw new UsageError(`--min-dist must be in [0, 1], got '${values['min-dist']}'`);
  const file = readLirnFile(new Uint8Array(await readFile(positionals[0])));
  const input = mapInput(file, space);
  const points = umap2d(input, {
    neighbors: parsePositive(values.neighbors, '--neighbors', { integer: true }),
    minDist,
    seed,
  });
  const what = input.space === 'feature' ? 'projected latents (feature space)' : 'latents';
  const svg = renderMapSvg(points, {
    title: `${basename(positionals[0])}: ${what}, UMAP`,
    subtitle: `${input.rows} frames, ${input.dim}-d, ${file.chunks.length} model(s); colour = frame time`,
    fps: input.fps,
  });
  await writeFile(output, svg);
  if (values.csv) {
    const lines = ['frame,x,y'];
    for (let r = 0; r < input.rows; r++) lines.push(`${r},${points[2 * r]},${points[2 * r + 1]}`);
    await writeFile(values.csv, `${lines.join('\n')}\n`);
  }
  process.stderr.write(`${output}: ${input.rows} frames mapped from ${what}\n`);
  return 0;
}
