// Times layer.wasm (see layer.c) in this Node: node native/wasm-probe/run.mjs path/to/layer.wasm
import { readFileSync } from 'node:fs';

const { instance } = await WebAssembly.instantiate(readFileSync(process.argv[2] ?? 'layer.wasm'));
const { init, run } = instance.exports;
init();
run();
const reps = 10;
const t0 = performance.now();
for (let i = 0; i < reps; i++) run();
const ms = (performance.now() - t0) / reps;
const flops = 3 * 2 * 16384 * 64 * 64;
console.log(`wasm simd128, 1 thread: ${ms.toFixed(2)} ms per forward+backward, ${(flops / ms / 1e6).toFixed(1)} GFLOP/s`);
