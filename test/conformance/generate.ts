/**
 * Writes the conformance vectors, their reference frames, the malformed vectors and manifest.json into this
 * folder (spec/06-conformance.md). Deterministic: re-running it rewrites the same bytes.
 *
 *   npx tsx test/conformance/generate.ts           regenerate everything
 *   npx tsx test/conformance/generate.ts --check   regenerate in memory and compare with the files here
 *   npx tsx test/conformance/generate.ts --only warp-affine[,NAME…]
 *       rebuild only the named vectors; every other vector's bytes and manifest entry are taken from the files
 *       here (so a new vector can be added without retraining the others on a changed native engine)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type ConformanceManifest,
  describeMalformed,
  describeVector,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  parseManifest,
  type VectorEntry,
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

/** The committed manifest's vector entries by file name (for `--only`). */
async function committedVectors(): Promise<Map<string, VectorEntry>> {
  const text = await readFile(join(CONFORMANCE_DIR, 'manifest.json'), 'utf8');
  return new Map(parseManifest(JSON.parse(text)).vectors.map((v) => [v.file, v]));
}

/** Builds every vector, or with `only` just those named, the others read back from the committed files. */
export async function generate(
  only?: ReadonlySet<string>,
): Promise<{ manifest: ConformanceManifest; files: Map<string, Uint8Array> }> {
  if (only) {
    const unknown = [...only].filter((n) => !VECTORS.some((r) => r.name === n));
    if (unknown.length) throw new Error(`--only: no vector named ${unknown.join(', ')}`);
  }
  const committed = only ? await committedVectors() : null;
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
    if (committed && !only?.has(recipe.name)) {
      const kept = committed.get(vectorFileName(recipe.name));
      if (!kept) throw new Error(`--only: ${vectorFileName(recipe.name)} is not in the committed manifest`);
      const bytes = new Uint8Array(await readFile(join(CONFORMANCE_DIR, kept.file)));
      built.set(recipe.name, bytes);
      manifest.vectors.push(kept);
      continue;
    }
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
  const { values } = parseArgs({ options: { check: { type: 'boolean' }, only: { type: 'string' } } });
  const check = values.check ?? false;
  const only = values.only ? new Set(values.only.split(',')) : undefined;
  const { files } = await generate(only);
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
