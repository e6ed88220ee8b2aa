export { gridCoords } from './coords.js';
export { type BatchEvaluator, createBatchEvaluator } from './evaluate.js';
export { clampUnit, type FrameBuffer, toRgb8, writeOutput } from './output.js';
export {
  createRenderer,
  type Renderer,
  type RendererOptions,
  renderFrame,
  renderFrameRgb8,
  renderFrames,
} from './renderer.js';
