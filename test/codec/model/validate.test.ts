import { describe, expect, it } from 'vitest';
import { type ModelConfig, PROFILE_NAMES, profileConfig } from '../../../src/codec/model/config.js';
import { ModelError } from '../../../src/codec/model/errors.js';
import { validateModelConfig } from '../../../src/codec/model/validate.js';
import { ContainerError, decodeLircPayload, encodeLircPayload } from '../../../src/container/index.js';
import { fourierConfig, hashConfig } from './fixtures.js';

/** Deep copy, then `edit` mutates it freely (configs from the bitstream are untyped anyway). */
// biome-ignore lint/suspicious/noExplicitAny: tests poke arbitrary values into nested fields
type Loose = Record<string, any>;

function mutated(edit: (c: Loose) => void): unknown {
  const c = structuredClone(hashConfig()) as Loose;
  edit(c);
  return c;
}

describe('validateModelConfig', () => {
  it('accepts every profile, the Fourier and patch variants', () => {
    for (const p of PROFILE_NAMES) expect(validateModelConfig(profileConfig(p, 1920, 1080))).toBeTruthy();
    expect(validateModelConfig(fourierConfig())).toBeTruthy();
    expect(validateModelConfig(hashConfig({ patch: { size: 4, channels: 16 } }))).toBeTruthy();
  });

  it('names the first bad field', () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /^config: expected an object/],
      [
        mutated((c) => {
          c.version = 2;
        }),
        /^config\.version: unsupported version 2/,
      ],
      [
        mutated((c) => {
          c.encoding.otype = 'Grid';
        }),
        /^config\.encoding\.otype: unknown encoding 'Grid'/,
      ],
      [
        mutated((c) => {
          c.encoding.n_levels = 0;
        }),
        /^config\.encoding\.n_levels: expected an integer in 1\.\.64, got 0/,
      ],
      [
        mutated((c) => {
          c.encoding.level_resolutions[1] = 2.5;
        }),
        /^config\.encoding\.level_resolutions\[1\]/,
      ],
      [
        mutated((c) => {
          c.encoding.level_y_resolutions = [1, 2, 3];
        }),
        /^config\.encoding\.level_y_resolutions: has 3 entries but n_levels is 4/,
      ],
      [
        mutated((c) => {
          c.encoding.level_y_resolutions = [1, 2, 0, 4];
        }),
        /^config\.encoding\.level_y_resolutions\[2\]: expected an integer in 1\.\./,
      ],
      [
        mutated((c) => {
          c.encoding.log2_hashmap_size = 40;
        }),
        /log2_hashmap_size: expected an integer in 1\.\.28/,
      ],
      [
        mutated((c) => {
          c.base.activation = 'GELU';
        }),
        /^config\.base\.activation: expected 'ReLU'/,
      ],
      [
        mutated((c) => {
          c.base.n_neurons = '64';
        }),
        /^config\.base\.n_neurons: .* got '64'/,
      ],
      [
        mutated((c) => {
          c.modulation.layers = [2, 2];
        }),
        /^config\.modulation\.layers: lists a layer twice/,
      ],
      [
        mutated((c) => {
          c.modulation.layers = [4];
        }),
        /^config\.modulation\.layers\[0\]: expected an integer in 0\.\.3/,
      ],
      [
        mutated((c) => {
          c.modulation.rank = 0;
        }),
        /^config\.modulation\.rank/,
      ],
      [
        mutated((c) => {
          c.modulation.hyper_hidden = 'x';
        }),
        /^config\.modulation\.hyper_hidden: expected an array/,
      ],
      [
        mutated((c) => {
          c.latent.init_std = -1;
        }),
        /^config\.latent\.init_std/,
      ],
      [
        mutated((c) => {
          c.patch = { size: 0, channels: 4 };
        }),
        /^config\.patch\.size/,
      ],
      [
        { ...fourierConfig(), encoding: { otype: 'Fourier', n_frequencies: 0, include_input: false } },
        /Fourier encoding is empty/,
      ],
    ];
    expectBadConfig(cases);
  });

  it('accepts a warp, absent or null meaning none (spec §4.3.2.1)', () => {
    for (const warp of [
      undefined,
      null,
      { otype: 'Translation', scale: 1 },
      { otype: 'Affine', scale: 0.1 },
      { otype: 'Affine', scale: Number.MIN_VALUE },
    ]) {
      const c = mutated((c) => {
        c.latent.dim = 6;
        c.warp = warp;
      });
      expect(validateModelConfig(c), JSON.stringify(warp)).toBe(c);
    }
    // A translation reads z[0], z[1]: latent.dim 2 is enough.
    expect(() =>
      validateModelConfig(
        hashConfig({ warp: { otype: 'Translation', scale: 0.5 }, latent: { dim: 2, init_std: 0 } }),
      ),
    ).not.toThrow();
  });

  it('names the bad warp field', () => {
    const warp = (w: unknown, dim = 8) =>
      mutated((c) => {
        c.latent.dim = dim;
        c.warp = w;
      });
    expectBadConfig([
      [warp('Affine'), /^config\.warp: expected an object/],
      [warp([0.1]), /^config\.warp: expected an object/],
      [
        warp({ otype: 'Perspective', scale: 0.1 }),
        /^config\.warp\.otype: unknown warp 'Perspective' \(expected 'Translation' or 'Affine'\)/,
      ],
      [warp({ otype: 'affine', scale: 0.1 }), /^config\.warp\.otype: unknown warp 'affine'/],
      [warp({ scale: 0.1 }), /^config\.warp\.otype: unknown warp undefined/],
      [warp({ otype: 'Affine', scale: 0 }), /^config\.warp\.scale: expected a number in \(0, 1\], got 0/],
      [warp({ otype: 'Affine', scale: -0.1 }), /^config\.warp\.scale: .* got -0\.1/],
      [warp({ otype: 'Translation', scale: 1.0000001 }), /^config\.warp\.scale: .* got 1\.0000001/],
      [warp({ otype: 'Translation', scale: Number.NaN }), /^config\.warp\.scale: .* got NaN/],
      [
        warp({ otype: 'Translation', scale: Number.POSITIVE_INFINITY }),
        /^config\.warp\.scale: .* got Infinity/,
      ],
      [warp({ otype: 'Translation', scale: '0.1' }), /^config\.warp\.scale: .* got '0\.1'/],
      [warp({ otype: 'Translation' }), /^config\.warp\.scale: .* got undefined/],
      [
        warp({ otype: 'Affine', scale: 0.1 }, 5),
        /^config\.warp: a 'Affine' warp reads 6 latent components but config\.latent\.dim is 5/,
      ],
      [
        warp({ otype: 'Translation', scale: 0.1 }, 1),
        /^config\.warp: a 'Translation' warp reads 2 latent components but config\.latent\.dim is 1/,
      ],
    ]);
  });
});

describe('a warp in the lirC map (spec §3.4)', () => {
  const payload = (warp: unknown) =>
    encodeLircPayload({
      config: { ...hashConfig({ latent: { dim: 6, init_std: 0 } }), warp } as ModelConfig,
      firstFrame: 0,
      frameCount: 2,
      extra: {},
    });

  it('round-trips', () => {
    const warp = { otype: 'Affine', scale: 0.1 };
    expect(decodeLircPayload(payload(warp), 'lirC', 0).config.warp).toEqual(warp);
    expect(decodeLircPayload(payload(null), 'lirC', 0).config.warp).toBeNull();
  });

  it('is a bad-value ContainerError when invalid, like any other bad config field', () => {
    for (const [warp, message] of [
      [{ otype: 'Affine', scale: 2 }, /config\.warp\.scale/],
      [{ otype: 'Shear', scale: 0.1 }, /config\.warp\.otype/],
    ] as const) {
      let error: unknown;
      try {
        decodeLircPayload(payload(warp), 'lirC', 40);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ContainerError);
      expect(error).toMatchObject({ details: 'bad-value', box: 'lirC', offset: 40 });
      expect((error as Error).message).toMatch(message);
    }
    const tooSmall = encodeLircPayload({
      config: hashConfig({ warp: { otype: 'Affine', scale: 0.1 } }), // latent.dim 5
      firstFrame: 0,
      frameCount: 1,
      extra: {},
    });
    expect(() => decodeLircPayload(tooSmall, 'lirC', 0)).toThrow(/reads 6 latent components/);
  });
});

function expectBadConfig(cases: Array<[unknown, RegExp]>): void {
  for (const [config, message] of cases) {
    let error: unknown;
    try {
      validateModelConfig(config);
    } catch (e) {
      error = e;
    }
    expect(error, String(message)).toBeInstanceOf(ModelError);
    expect((error as ModelError).details).toBe('bad-config');
    expect((error as Error).message).toMatch(message);
  }
}
