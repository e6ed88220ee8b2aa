/**
 * Checkpoint files: written atomically (a temporary file in the same directory, fsync'd, then renamed over the
 * target), so a crash mid-write leaves the previous checkpoint intact. Node-only.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import {
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
  type TrainCheckpoint,
} from './checkpoint-format.js';

export {
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
  type TrainCheckpoint,
} from './checkpoint-format.js';

export async function saveCheckpoint(path: string, checkpoint: TrainCheckpoint): Promise<void> {
  const bytes = encodeCheckpoint(checkpoint);
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    const file = await open(temp, 'w');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

export async function loadCheckpoint(path: string): Promise<TrainCheckpoint> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new CheckpointError(path, `cannot be read (${(err as Error).message})`);
  }
  try {
    return decodeCheckpoint(bytes);
  } catch (err) {
    if (err instanceof CheckpointError) throw new CheckpointError(`${path} ${err.where}`, err.detail);
    throw err;
  }
}
