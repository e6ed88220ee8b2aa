/**
 * Fetches and cuts the benchmark clips into bench/clips/.cache (see bench/lib/clips.ts for the recipes).
 * Usage: npx tsx bench/clips/prepare.ts [bunny] [vtest]
 */
import { CLIP_RECIPES, type ClipName, loadClip } from '../lib/clips.js';

const names = (
  process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(CLIP_RECIPES)
) as ClipName[];
for (const name of names) {
  const started = performance.now();
  const clip = await loadClip(name, { log: (line) => console.log(`  ${line}`) });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${name}: ${clip.width}×${clip.height}×${clip.frames.length} @ ${clip.fps.num}/${clip.fps.den} fps, sha256 ${clip.sha256} (${seconds} s)`,
  );
}
