/** Shared pieces of the server tests: temp data dirs, a small real .lirn, a server, mp4box.js with `lirn` known. */
import type { Dirent } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BoxParser, FullBox, Log, VisualSampleEntry } from 'mp4box';
import { writeLirnFile } from '../../src/container/index.js';
import type { LirnFile } from '../../src/container/lirn-file.js';
import { buildServer, type LirnFastify, type LirnServerOptions } from '../../src/server/index.js';
import { buildVector } from '../container/vectors.js';

class LirnSampleEntry extends VisualSampleEntry {
  static override fourcc = 'lirn' as const;
}
class LircBox extends FullBox {
  static override fourcc = 'lirC' as const;
}
(BoxParser.sampleEntry as Record<string, unknown>).lirn = LirnSampleEntry;
(BoxParser.box as Record<string, unknown>).lirC = LircBox;
Log.setLogLevel(Log.error);

export async function tempRoot(): Promise<{ root: string; data: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'lirn-server-'));
  return { root, data: join(root, 'data'), cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** Two chunks, five segments, 16 frames at 8 fps (2 s): real coded tiny models, built in milliseconds. */
export function testVector(): { file: LirnFile; bytes: Uint8Array } {
  const file = buildVector({
    chunks: [{ segments: [4, 4, 2] }, { segments: [4, 2] }],
    timescale: 8000,
    sampleDuration: 1000,
  });
  return { file, bytes: writeLirnFile(file) };
}

export async function startServer(
  data: string,
  options: Partial<LirnServerOptions> = {},
): Promise<LirnFastify> {
  const app = await buildServer({ dataDir: data, playerDir: null, renderer: 'reference', ...options });
  await app.ready();
  return app;
}

/** Uploads a .lirn (no training) and waits until its job is done; returns the video id. */
export async function ingestLirn(app: LirnFastify, bytes: Uint8Array, query = ''): Promise<string> {
  const r = await app.inject({
    method: 'POST',
    url: `/api/videos${query}`,
    payload: Buffer.from(bytes),
    headers: { 'content-type': 'application/octet-stream' },
  });
  if (r.statusCode !== 202) throw new Error(`upload failed: ${r.statusCode} ${r.body}`);
  const id = r.json().id as string;
  await app.lirn.queue.idle();
  return id;
}

/** Every path under `dir` (relative, sorted); folders end with '/'. */
export async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    let entries: Dirent[];
    try {
      entries = await readdir(join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out.push(`${path}/`);
        await walk(path);
      } else out.push(path);
    }
  };
  await walk('');
  return out.sort();
}

export const until = async (what: string, check: () => Promise<boolean> | boolean, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
