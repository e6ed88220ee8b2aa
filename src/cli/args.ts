/** Argument parsing shared by the `lirn` subcommands (node:util parseArgs underneath). */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { MAX_DIMENSION } from '../codec/model/config.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export function parseCommand<T extends OptionSpec>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${usage}`);
  }
}

export function parseSize(text: string, what = '--size'): { width: number; height: number } {
  const m = /^(\d+)x(\d+)$/i.exec(text.trim());
  if (!m) throw new UsageError(`${what} must look like 640x360, got '${text}'`);
  const width = Number(m[1]);
  const height = Number(m[2]);
  for (const [name, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (v < 1 || v > MAX_DIMENSION)
      throw new UsageError(`${what}: ${name} ${v} is outside 1..${MAX_DIMENSION}`);
  }
  return { width, height };
}

export function parsePositive(
  text: string | undefined,
  what: string,
  { integer = false } = {},
): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new UsageError(`${what} must be a positive ${integer ? 'integer' : 'number'}, got '${text}'`);
  }
  return v;
}

export function requireOption(value: string | undefined, what: string, usage: string): string {
  if (!value) throw new UsageError(`missing ${what}\n\n${usage}`);
  return value;
}
