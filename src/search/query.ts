/**
 * Turning a user's query into a vector of a library's feature space: an embedding file (JSON/.npy/msgpack,
 * parseFeatureFile), an image (decoded through node-av, then embedded by the provider of that feature space),
 * or text (CLIP's text tower, when a local CLIP model is given).
 */
import { readFile } from 'node:fs/promises';
import { BUILTIN_FEATURE_SPACE } from '../codec/align/builtin.js';
import { AlignError } from '../codec/align/errors.js';
import { parseFeatureFile } from '../codec/align/feature-file.js';
import { builtinProvider, type FeatureProvider } from '../codec/align/provider.js';
import { readFrames } from '../media/decode.js';
import { CLIP_SPACE_PREFIX, clipProvider, clipTextEmbedding } from './clip.js';

export interface Query {
  vector: Float32Array;
  /** The feature space the query lives in, when known. */
  space?: string;
  /** What the query was, for messages. */
  what: string;
}

/** First vector of an embedding file; `row` picks another. */
export async function vectorQuery(path: string, row = 0): Promise<Query> {
  const { table, space } = parseFeatureFile(new Uint8Array(await readFile(path)), path);
  if (row < 0 || row >= table.rows)
    throw new AlignError(`${path} has ${table.rows} vectors, row ${row} was asked for`);
  return { vector: table.data.slice(row * table.dim, (row + 1) * table.dim), space, what: path };
}

/** The provider that embeds pixels into `space` ('lirn-builtin-v1', or 'clip:…' with a local model). */
export async function providerForSpace(space: string, clipModelDir?: string): Promise<FeatureProvider> {
  if (space === BUILTIN_FEATURE_SPACE) return builtinProvider();
  if (space.startsWith(CLIP_SPACE_PREFIX)) {
    if (!clipModelDir)
      throw new AlignError(
        `the library is aligned with '${space}': give the CLIP model directory (--clip-model DIR)`,
      );
    const p = await clipProvider(clipModelDir);
    if (p.space !== space)
      throw new AlignError(
        `the model at ${clipModelDir} embeds into '${p.space}', the library uses '${space}'`,
      );
    return p;
  }
  throw new AlignError(`no image embedder for feature space '${space}' (query with --vector instead)`);
}

/** An image file (any format node-av decodes: PNG, JPEG, …; a video's first frame) embedded into `space`. */
export async function imageQuery(path: string, space: string, clipModelDir?: string): Promise<Query> {
  const provider = await providerForSpace(space, clipModelDir);
  const clip = await readFrames(path, { frames: 1 });
  if (clip.frames.length === 0) throw new AlignError(`${path}: no picture could be decoded`);
  const table = await provider.frameFeatures(clip.frames, 0, clip.width, clip.height);
  return { vector: table.data.slice(0, table.dim), space: provider.space, what: path };
}

export async function textQuery(text: string, space: string, clipModelDir?: string): Promise<Query> {
  if (!space.startsWith(CLIP_SPACE_PREFIX))
    throw new AlignError(`text queries need a CLIP-aligned library; this one uses '${space}'`);
  if (!clipModelDir) throw new AlignError('text queries need the CLIP model directory (--clip-model DIR)');
  const { vector, space: modelSpace } = await clipTextEmbedding(clipModelDir, text);
  if (modelSpace !== space)
    throw new AlignError(
      `the model at ${clipModelDir} embeds into '${modelSpace}', the library uses '${space}'`,
    );
  return { vector, space, what: JSON.stringify(text) };
}
