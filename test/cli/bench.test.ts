import { describe, expect, it } from 'vitest';
import { benchCommand } from '../../src/cli/commands/bench.js';

describe('lirn bench options', () => {
  it('names --tune-bits depths that are not among --bits', async () => {
    await expect(benchCommand(['rd', '--bits', '8,6', '--tune-bits', '6,5', '--no-peers'])).rejects.toThrow(
      /--tune-bits 5 not among --bits 8,6/,
    );
  });
});
