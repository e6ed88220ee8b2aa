/**
 * LatentInrAlignmentBox `lirA` (spec/07-semantic-box.md): optional child of a `lirn` sample entry, after lirL.
 * It says which feature space the chunk's latents were aligned with during encoding and carries the projection
 * from latent space into it (a coded tensor group, spec §5.2), or flags the identity. With it, a searcher maps
 * the stored latents into feature space without decoding a frame.
 */
import { type CodedTensorGroup, codedTensorGroupSyntax } from '../../codec/coding/index.js';
import { type Box, defineBox } from '../box.js';
import type { Syntax } from '../syntax.js';

/** flags bit 0: the projection is the identity (feature_dim = latent_dim); no coded tensors follow. */
export const LIRA_IDENTITY = 1;
export const LIRA_WEIGHT_TENSOR = 'align.proj.weight';
export const LIRA_BIAS_TENSOR = 'align.proj.bias';
export const MAX_FEATURE_SPACE_BYTES = 255;

export interface LiraBox extends Box {
  type: 'lirA';
  /** Dimension F of the feature space. */
  feature_dim: number;
  /** Dimension D of the chunk's latents (must equal the model's latent dim). */
  latent_dim: number;
  /** The λ the latents were trained with (informative). */
  lambda: number;
  /** Identifier of the feature space, e.g. 'lirn-builtin-v1' or 'clip:Xenova/clip-vit-base-patch32'. */
  feature_space: string;
  /** Present unless flags has LIRA_IDENTITY: align.proj.weight [F, D] then align.proj.bias [F]. */
  projection?: CodedTensorGroup;
}

const UTF8 = new TextEncoder();

function checkProjectionTensors(s: Syntax, g: CodedTensorGroup, f: number, d: number): void {
  const want: Array<[string, number[]]> = [
    [LIRA_WEIGHT_TENSOR, [f, d]],
    [LIRA_BIAS_TENSOR, [f]],
  ];
  if (g.tensors.length !== 2)
    s.fail(
      'bad-value',
      `the projection holds ${g.tensors.length} tensors, expected 2 (${want.map((w) => w[0])})`,
    );
  want.forEach(([name, shape], i) => {
    const t = g.tensors[i];
    if (t.name !== name || t.shape.length !== shape.length || t.shape.some((x, k) => x !== shape[k]))
      s.fail(
        'bad-value',
        `projection tensor ${i} is '${t.name}' [${t.shape}], expected '${name}' [${shape}]`,
      );
  });
}

export const lirA = defineBox<LiraBox>({
  full: true,
  versions: [0],
  fields(s, b) {
    const flags = b.flags ?? 0;
    if (flags & ~LIRA_IDENTITY)
      s.fail('bad-value', `reserved flags 0x${(flags & ~LIRA_IDENTITY).toString(16)} are set`);
    b.feature_dim = s.u16('feature_dim', b.feature_dim);
    b.latent_dim = s.u16('latent_dim', b.latent_dim);
    if (b.feature_dim === 0 || b.latent_dim === 0)
      s.fail('bad-value', 'feature_dim and latent_dim must be ≥ 1');
    b.lambda = s.f32('lambda', b.lambda);
    if (!s.reading && UTF8.encode(b.feature_space).length > MAX_FEATURE_SPACE_BYTES)
      s.fail('limit-exceeded', `feature_space is longer than ${MAX_FEATURE_SPACE_BYTES} bytes`);
    const at = s.position();
    b.feature_space = s.cstring('feature_space', b.feature_space);
    if (s.position() - at - 1 > MAX_FEATURE_SPACE_BYTES)
      s.fail('limit-exceeded', `feature_space is longer than ${MAX_FEATURE_SPACE_BYTES} bytes`, at);
    if (flags & LIRA_IDENTITY) {
      if (b.feature_dim !== b.latent_dim)
        s.fail(
          'bad-value',
          `identity projection with feature_dim ${b.feature_dim} ≠ latent_dim ${b.latent_dim}`,
        );
      return;
    }
    const g = codedTensorGroupSyntax(s, s.reading ? ({} as CodedTensorGroup) : b.projection!);
    checkProjectionTensors(s, g, b.feature_dim, b.latent_dim);
    b.projection = g;
  },
});
