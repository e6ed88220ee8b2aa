/** Messages between the main thread and the decode worker. */
import type { DecodedChunk, DecodedLatents } from './types.js';

export type DecodeRequest =
  | { id: number; op: 'init'; key: string; bytes: Uint8Array }
  | { id: number; op: 'segment'; key: string; bytes: Uint8Array }
  | { id: number; op: 'release'; key: string };

export interface SerializedError {
  name: string;
  message: string;
  /** ContainerError / ModelError fields when present (`code`, `box`, `offset`, `field`). */
  fields: Record<string, string | number>;
}

export type DecodeResponse =
  | { id: number; ok: true; chunk: DecodedChunk }
  | { id: number; ok: true; latents: DecodedLatents }
  | { id: number; ok: true; released: true }
  | { id: number; ok: false; error: SerializedError };

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(error)) {
    if (typeof v === 'string' || typeof v === 'number') fields[k] = v;
  }
  return { name: error.name, message: error.message, fields };
}
