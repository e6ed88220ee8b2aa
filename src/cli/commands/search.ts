import { AlignError } from '../../codec/align/errors.js';
import { Library } from '../../search/library.js';
import { imageQuery, type Query, textQuery, vectorQuery } from '../../search/query.js';
import type { IndexMode } from '../../search/vector-index.js';
import { SEARCH_LEVELS, type SearchLevel } from '../../search/vectors.js';
import { parseCommand, parsePositive, UsageError } from '../args.js';

export const SEARCH_USAGE = `usage: lirn search LIBRARY (--image FILE | --vector FILE | --text TEXT) [options]

Searches every aligned .lirn file under LIBRARY (encoded with --align-*) without decoding a frame: the stored
latents, mapped into feature space by each file's lirA projection, against the query (cosine similarity).
  --image FILE        a picture (PNG, JPEG, …), embedded like the library's features
                      (built-in extractor, or CLIP with --clip-model)
  --vector FILE       an embedding (JSON list, .npy or msgpack) in the library's feature space
  --row N             which vector of a multi-row --vector file (default 0)
  --text TEXT         a text query (CLIP-aligned libraries, with --clip-model)
  --clip-model DIR    local CLIP model directory (transformers.js export)
  --level L           frame, segment or video (mean of the frame vectors; default frame)
  -k N                results to show (default 10)
  --space NAME        feature space to search when the library holds several
  --index MODE        auto (exact up to 100k vectors, else HNSW), exact or hnsw (default auto);
                      HNSW graphs are kept in LIBRARY/.lirn-index/ and rebuilt when files change
  --json              machine-readable results
`;

export async function searchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      image: { type: 'string' },
      vector: { type: 'string' },
      row: { type: 'string' },
      text: { type: 'string' },
      'clip-model': { type: 'string' },
      level: { type: 'string', default: 'frame' },
      k: { type: 'string', short: 'k', default: '10' },
      space: { type: 'string' },
      index: { type: 'string', default: 'auto' },
      json: { type: 'boolean' },
    },
    SEARCH_USAGE,
  );
  if (positionals.length !== 1) throw new UsageError(`expected one LIBRARY directory\n\n${SEARCH_USAGE}`);
  const kinds = [values.image, values.vector, values.text].filter((v) => v !== undefined);
  if (kinds.length !== 1)
    throw new UsageError(`give exactly one of --image, --vector, --text\n\n${SEARCH_USAGE}`);
  const level = values.level as SearchLevel;
  if (!SEARCH_LEVELS.includes(level))
    throw new UsageError(`--level must be one of ${SEARCH_LEVELS.join(', ')}, got '${values.level}'`);
  const index = values.index as IndexMode;
  if (!['auto', 'exact', 'hnsw'].includes(index))
    throw new UsageError(`--index must be auto, exact or hnsw, got '${values.index}'`);
  const k = parsePositive(values.k, '-k', { integer: true })!;
  const row = values.row === undefined ? 0 : Number(values.row);
  if (!Number.isInteger(row) || row < 0)
    throw new UsageError(`--row must be a non-negative integer, got '${values.row}'`);

  const library = await Library.open(positionals[0]);
  for (const s of library.skipped) process.stderr.write(`lirn search: skipped ${s.file}: ${s.reason}\n`);
  const spaces = [...library.spaces().keys()];
  let space = values.space;
  if (space === undefined && spaces.length === 1) space = spaces[0];
  let query: Query;
  if (values.vector !== undefined) {
    query = await vectorQuery(values.vector, row);
    space ??= query.space;
  } else {
    if (space === undefined)
      throw new AlignError(
        spaces.length === 0
          ? `library '${positionals[0]}' holds no aligned .lirn file`
          : `the library mixes feature spaces (${spaces.join(', ')}); pick one with --space`,
      );
    query =
      values.image !== undefined
        ? await imageQuery(values.image, space, values['clip-model'])
        : await textQuery(values.text!, space, values['clip-model']);
  }
  if (query.space !== undefined && space !== undefined && query.space !== space)
    throw new AlignError(`the query is in feature space '${query.space}', the search in '${space}'`);
  const hits = library.search(query.vector, { level, k, space, index });
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ query: query.what, space, level, hits }, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `${hits.length} ${level} result(s) for ${query.what} in ${library.videos.length} video(s) (${space}):`,
  ];
  hits.forEach((h, i) => {
    const frames =
      h.frameCount === 1
        ? `frame ${h.firstFrame}`
        : `frames ${h.firstFrame}..${h.firstFrame + h.frameCount - 1}`;
    lines.push(
      `${String(i + 1).padStart(3)}  ${h.score.toFixed(4)}  ${h.file}  ${frames} @ ${h.time.toFixed(2)} s`,
    );
  });
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
