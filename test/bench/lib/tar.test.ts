import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractFromTgz } from '../../../bench/lib/tar.js';

describe('extractFromTgz', () => {
  it('finds a file in a gzipped pax tarball (as npm writes them), long names included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lirn-tar-'));
    try {
      const long = `package/${'d'.repeat(120)}/video.mp4`;
      await mkdir(join(dir, 'package', 'd'.repeat(120)), { recursive: true });
      await writeFile(join(dir, 'package', 'README.md'), 'hello');
      const payload = new Uint8Array(1500).map((_, i) => (i * 31) & 255);
      await writeFile(join(dir, 'package', 'video.mp4'), payload);
      await writeFile(join(dir, long), payload.subarray(0, 700));
      execFileSync('tar', ['--format=pax', '-czf', join(dir, 'p.tgz'), '-C', dir, 'package']);
      const tgz = new Uint8Array(await readFile(join(dir, 'p.tgz')));
      expect(extractFromTgz(tgz, 'package/video.mp4')).toEqual(payload);
      expect(extractFromTgz(tgz, long)).toEqual(payload.subarray(0, 700));
      expect(new TextDecoder().decode(extractFromTgz(tgz, 'package/README.md'))).toBe('hello');
      expect(extractFromTgz(tgz, 'package/missing')).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
