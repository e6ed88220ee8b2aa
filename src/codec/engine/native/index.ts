/** The `native` engine: fused C++ kernels for training (TrainEngine) and fast forward-only decoding. */
export {
  type AddonLoad,
  addonPath,
  loadAddon,
  type NativeAddon,
  type PhaseTimings,
  resetAddonCache,
} from './addon.js';
export {
  NativeEngine,
  type NativeEngineOptions,
  type NativeFactoryOptions,
  nativeEngineFactory,
  nativeSupportsConfig,
} from './engine.js';
export { type NativeLayout, nativeLayout, packParams, unpackParams } from './layout.js';
export {
  createNativeRenderer,
  type NativeRenderer,
  type NativeRendererOptions,
  nativeRenderFrame,
} from './render.js';
