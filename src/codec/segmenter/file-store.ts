/**
 * Files behind an EncodeStore: `<work>/manifest.json` names what is being encoded (a fingerprint of the source and
 * the options); `<work>/chunk-NNNN.ckpt` holds each chunk's trainer checkpoint, written atomically. A manifest that
 * does not match the current run means the old state belongs to another encode: it is discarded. Node-only.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint } from '../train/checkpoint.js';
import type { TrainCheckpoint } from '../train/checkpoint-format.js';
import type { EncodeStore } from './encode.js';

export interface FileStore extends EncodeStore {
  readonly dir: string;
  /** True when the directory held state of this same run (a resume). */
  readonly resuming: boolean;
  remove(): Promise<void>;
}

export async function openFileStore(dir: string, fingerprint: string): Promise<FileStore> {
  await mkdir(dir, { recursive: true });
  const manifestPath = join(dir, 'manifest.json');
  let resuming = false;
  try {
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { fingerprint?: string };
    resuming = manifest.fingerprint === fingerprint;
  } catch {
    resuming = false;
  }
  if (!resuming) {
    for (const name of await readdir(dir))
      if (name.endsWith('.ckpt') || name.endsWith('.tmp')) await rm(join(dir, name), { force: true });
    const temp = `${manifestPath}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ fingerprint, created: new Date().toISOString() }, null, 2));
    await rename(temp, manifestPath);
  }
  const path = (k: number) => join(dir, `chunk-${String(k).padStart(4, '0')}.ckpt`);
  return {
    dir,
    resuming,
    async load(k) {
      try {
        return await loadCheckpoint(path(k));
      } catch {
        return null;
      }
    },
    save: (k: number, c: TrainCheckpoint) => saveCheckpoint(path(k), c),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
