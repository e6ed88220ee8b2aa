#!/usr/bin/env node
/**
 * Bundles the player with esbuild into player/dist/: player.js (page), decode-worker.js (the Worker, with the
 * project's src/container and src/codec modules), index.html and styles.css. `node player/build.mjs [--dev]`
 * (--dev: no minification). Also importable: `buildPlayer({ minify })`.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const DIST = join(here, 'dist');

export async function buildPlayer({ minify = true, outdir = DIST } = {}) {
  await mkdir(outdir, { recursive: true });
  const result = await build({
    entryPoints: {
      player: join(here, 'src/main.ts'),
      'decode-worker': join(here, 'src/decode/decode-worker.ts'),
    },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome113', 'firefox121', 'safari17'],
    minify,
    sourcemap: true,
    legalComments: 'linked',
    logLevel: 'warning',
    metafile: true,
  });
  await copyFile(join(here, 'index.html'), join(outdir, 'index.html'));
  await copyFile(join(here, 'styles.css'), join(outdir, 'styles.css'));
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await buildPlayer({ minify: !process.argv.includes('--dev') });
  for (const [file, out] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.js')) console.log(`${file}  ${(out.bytes / 1024).toFixed(1)} KiB`);
  }
}
