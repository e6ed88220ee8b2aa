/**
 * Writes the conformance vectors, their reference frames, the malformed vectors and manifest.json into this
 * folder (spec/06-conformance.md). Deterministic: re-running it rewrites the same bytes.
 *
 *   npx tsx test/conformance/generate.ts           regenerate everything
 *   npx tsx test/conformance/generate.ts --check   regenerate in memory and compare with the files here
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ConformanceManifest,
  describeMalformed,
  describeVector,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
} from '../../src/codec/conformance/index.js';
import { readLirnFile } from '../../src/container/index.js';
import {
  buildVectorBytes,
  frameRequests,
  MALFORMED,
  referenceFramesFileName,
  VECTORS,
  vectorFileName,
} from './recipes.js';

export const CONFORMANCE_DIR = dirname(fileURLToPath(import.meta.url));

/** The PSNR bound of spec §6.3 and the largest sample difference a conforming decoder may show. */
export const BOUND = { min_psnr_db: 50, max_sample_diff: 8 };

export async function generate(): Promise<{ manifest: ConformanceManifest; files: Map<string, Uint8Array> }> {
  const files = new Map<string, Uint8Array>();
  const manifest: ConformanceManifest = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    bound: BOUND,
    vectors: [],
    malformed: [],
  };
  const built = new Map<string, Uint8Array>();
  for (const recipe of VECTORS) {
    const started = performance.now();
    const bytes = await buildVectorBytes(recipe);
    built.set(recipe.name, bytes);
    const { entry, referenceFrames } = describeVector(bytes, {
      file: vectorFileName(recipe.name),
      referenceFramesFile: referenceFramesFileName(recipe.name),
      description: recipe.description,
      covers: recipe.covers,
      frames: frameRequests(readLirnFile(bytes)),
    });
    manifest.vectors.push(entry);
    files.set(entry.file, bytes);
    files.set(entry.reference_frames.file, referenceFrames);
    const ms = (performance.now() - started).toFixed(0);
    console.error(
      `${entry.file}: ${bytes.length} bytes, ${referenceFrames.length} bytes of reference frames (${ms} ms)`,
    );
  }
  for (const recipe of MALFORMED) {
    const source = built.get(recipe.from);
    if (!source) throw new Error(`malformed ${recipe.name}: no vector '${recipe.from}'`);
    const bytes = recipe.mutate(source);
    const entry = describeMalformed(
      bytes,
      vectorFileName(recipe.name),
      vectorFileName(recipe.from),
      recipe.mutation,
    );
    manifest.malformed.push(entry);
    files.set(entry.file, bytes);
    console.error(
      `${entry.file}: ${entry.stage} → ${entry.error.details} at ${entry.error.box} @ ${entry.error.offset}`,
    );
  }
  files.set('manifest.json', new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
  return { manifest, files };
}

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const { files } = await generate();
  let differing = 0;
  let total = 0;
  for (const [name, bytes] of files) {
    const path = join(CONFORMANCE_DIR, name);
    total += bytes.length;
    if (check) {
      const old = await readFile(path).catch(() => null);
      const same = old !== null && Buffer.compare(old, bytes) === 0;
      if (!same) differing++;
      console.log(`${same ? 'same     ' : 'DIFFERENT'} ${name}`);
    } else {
      await writeFile(path, bytes);
    }
  }
  console.error(`${files.size} files, ${total} bytes${check ? `, ${differing} differ` : ''}`);
  return differing ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then((code) => process.exit(code));
}
