/**
 * `lirn encode`'s alignment flags → the encoder's EncodeAlignment: the built-in extractor (`--align builtin`),
 * a file of per-frame embeddings (`--align-features FILE`) or a local CLIP model (`--align-model DIR`), with
 * `--align-lambda` and `--align-space`.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { DEFAULT_ALIGN_LAMBDA } from '../codec/align/aligner.js';
import { AlignError } from '../codec/align/errors.js';
import { parseFeatureFile } from '../codec/align/feature-file.js';
import {
  builtinProvider,
  type FeatureProvider,
  tableProvider,
  tokenProvider,
} from '../codec/align/provider.js';
import type { EncodeAlignment } from '../codec/segmenter/encode.js';
import { clipProvider } from './clip.js';

export interface AlignmentFlags {
  align?: string;
  features?: string;
  /** A token sequence for the whole video (appendix D), spread over the source's frames. */
  tokens?: string;
  model?: string;
  lambda?: string;
  space?: string;
}

/** Undefined when no alignment flag is set; AlignError on contradictory or bad flags. */
export async function alignmentFromFlags(flags: AlignmentFlags): Promise<EncodeAlignment | undefined> {
  const given = [flags.align, flags.features, flags.tokens, flags.model].filter((v) => v !== undefined);
  if (given.length === 0) {
    if (flags.lambda !== undefined || flags.space !== undefined)
      throw new AlignError(
        '--align-lambda / --align-space need --align builtin, --align-features, --align-tokens or --align-model',
      );
    return undefined;
  }
  if (given.length > 1)
    throw new AlignError(
      'give one of --align builtin, --align-features FILE, --align-tokens FILE, --align-model DIR',
    );
  const lambda = flags.lambda === undefined ? DEFAULT_ALIGN_LAMBDA : Number(flags.lambda);
  if (!Number.isFinite(lambda) || lambda < 0)
    throw new AlignError(`--align-lambda must be a number ≥ 0, got '${flags.lambda}'`);
  let provider: FeatureProvider;
  if (flags.align !== undefined) {
    if (flags.align !== 'builtin') throw new AlignError(`--align takes 'builtin', got '${flags.align}'`);
    provider = builtinProvider();
  } else if (flags.features !== undefined) {
    const { table, space } = parseFeatureFile(new Uint8Array(await readFile(flags.features)), flags.features);
    provider = tableProvider(table, flags.space ?? space ?? `file:${basename(flags.features)}`);
  } else if (flags.tokens !== undefined) {
    const { table, space } = parseFeatureFile(new Uint8Array(await readFile(flags.tokens)), flags.tokens);
    provider = tokenProvider(table, flags.space ?? space ?? `tokens:${basename(flags.tokens)}`);
  } else {
    provider = await clipProvider(flags.model!);
  }
  if (flags.space !== undefined && flags.features === undefined && flags.tokens === undefined)
    throw new AlignError('--align-space only names the space of --align-features / --align-tokens files');
  return { provider, lambda };
}
