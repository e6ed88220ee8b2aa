import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempRoot } from '../server/helpers.js';

const LIRN = join(import.meta.dirname, '../../bin/lirn.js');

describe('lirn serve', () => {
  it('serves a data directory on a free port and stops cleanly on SIGINT', async () => {
    const t = await tempRoot();
    const child = spawn(process.execPath, [LIRN, 'serve', t.data, '--port', '0', '--no-fallback'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      let stderr = '';
      const address = await new Promise<string>((resolve, reject) => {
        child.stderr!.on('data', (b) => {
          stderr += b;
          const m = / at (http:\/\/127\.0\.0\.1:\d+)\//.exec(stderr);
          if (m) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
      });
      const list = await fetch(`${address}/api/videos`);
      expect(list.status).toBe(200);
      expect(await list.json()).toEqual({ videos: [] });
      const home = await fetch(`${address}/`);
      expect(home.headers.get('content-type')).toMatch(/text\/html/);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await t.cleanup();
    }
  });
});
