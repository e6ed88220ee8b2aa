import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES, profileConfig } from '../../../src/codec/model/config.js';
import { ModelError } from '../../../src/codec/model/errors.js';
import { validateModelConfig } from '../../../src/codec/model/validate.js';
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
  });
});
