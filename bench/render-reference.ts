/**
 * Reference-decoder speed: frames/s of the plain-TypeScript renderer for a freshly initialized profile-M model
 * (the weights' values do not change the work done). Usage: npx tsx bench/render-reference.ts [W] [H] [frames]
 */
import { profileConfig } from '../src/codec/model/config.js';
import { initParams } from '../src/codec/model/init.js';
import { parameterCount } from '../src/codec/model/params.js';
import { createRenderer } from '../src/codec/render/index.js';

const width = Number(process.argv[2] ?? 640);
const height = Number(process.argv[3] ?? 360);
const count = Number(process.argv[4] ?? 5);
const latentRows = 30;

const config = profileConfig('M', width, height);
const renderer = createRenderer({ config, params: initParams(config, latentRows, 1) });
console.log(
  `profile M ${width}×${height}, ${parameterCount(config, latentRows)} parameters, ${count} frames`,
);

renderer.renderFrame(0, width, height); // warm-up (JIT)

let start = performance.now();
for (let k = 0; k < count; k++) renderer.renderFrame(k % latentRows, width, height);
const single = (performance.now() - start) / 1000;
console.log(
  `renderFrame, one at a time: ${(count / single).toFixed(3)} frames/s (${((single / count) * 1000).toFixed(0)} ms/frame)`,
);

start = performance.now();
renderer.renderFrames(
  Array.from({ length: count }, (_, k) => k % latentRows),
  width,
  height,
);
const batched = (performance.now() - start) / 1000;
console.log(
  `renderFrames, ${count} at once: ${(count / batched).toFixed(3)} frames/s (shares encoding and layer 0)`,
);

start = performance.now();
renderer.renderFrame(1.5, width, height);
console.log(`fractional t=1.5: ${(performance.now() - start).toFixed(0)} ms`);
