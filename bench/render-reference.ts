/**
 * Reference-decoder speed: frames/s of the plain-TypeScript renderer for a freshly initialized profile-M model
 * (the weights' values do not change the work done). Usage: npx tsx bench/render-reference.ts [W] [H] [frames]
 */
import { baseLayerShapes, profileConfig } from '../src/codec/model/config.js';
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
const flopsPerPixel = 2 * baseLayerShapes(config).reduce((n, [out, inp]) => n + out * inp, 0);
const gflops = (flopsPerPixel * width * height * count) / single / 1e9;
console.log(`  base MLP work: ${flopsPerPixel} FLOP/pixel → ${gflops.toFixed(2)} GFLOP/s effective`);

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

// Same-run peer: a plain dot-product loop, so numbers from a busy or different machine can be compared.
const n = 1 << 20;
const a = new Float32Array(n).fill(0.5);
const b = new Float32Array(n).fill(0.25);
let sink = 0;
start = performance.now();
for (let r = 0; r < 50; r++) for (let i = 0; i < n; i++) sink += a[i] * b[i];
const peer = (2 * n * 50) / ((performance.now() - start) / 1000) / 1e9;
console.log(`peer: plain JS dot product ${peer.toFixed(2)} GFLOP/s (checksum ${sink > 0 ? 'ok' : '?'})`);
