/** Output files appear complete or not at all: written to a temporary name in the same directory, then renamed. */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
}

export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = tempPathFor(path);
  try {
    const f = await open(temp, 'w');
    try {
      await f.writeFile(bytes);
      await f.sync();
    } finally {
      await f.close();
    }
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}
