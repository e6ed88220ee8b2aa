/**
 * Which numeric back ends the CLI uses: the native engine first when its addon loads (fastest), then tfjs; for
 * decoding, the native forward pass when it loads, else the plain-TypeScript reference renderer.
 */
import type { RendererFactory } from '../codec/decoder/stream-decoder.js';
import { referenceRendererFactory } from '../codec/decoder/stream-decoder.js';
import { registerEngine, selectEngine } from '../codec/engine/index.js';
import { createNativeRenderer, loadAddon, nativeEngineFactory } from '../codec/engine/native/index.js';
import type { EngineFactory } from '../codec/engine/types.js';
import type { ModelConfig } from '../codec/model/config.js';

let registered = false;

export function registerDefaultEngines(): void {
  if (registered) return;
  registered = true;
  registerEngine(nativeEngineFactory(), 'first');
}

/** `auto` → the first available engine that supports the config (native cannot train patch models). */
export async function chooseTrainEngine(name: string, config: ModelConfig): Promise<EngineFactory> {
  registerDefaultEngines();
  if (name !== 'auto') return selectEngine({ prefer: name, log: null });
  if (config.patch) return selectEngine({ prefer: 'tfjs', log: null });
  return selectEngine({ log: null });
}

/**
 * The renderer for the encoder's rd allocation probes (EncodeOptions.renderer): the native one where it loads;
 * undefined otherwise, so the encoder probes small frames with the reference renderer.
 */
export function probeRenderer(): RendererFactory | undefined {
  const r = chooseRenderer('auto');
  return r.label === 'native' ? r.factory : undefined;
}

export function chooseRenderer(name: 'auto' | 'native' | 'reference'): {
  factory: RendererFactory;
  label: string;
} {
  if (name === 'reference') return { factory: referenceRendererFactory, label: 'reference (TypeScript)' };
  const load = loadAddon();
  if (load.ok) {
    return {
      factory: (model) =>
        model.config.patch ? referenceRendererFactory(model) : createNativeRenderer(model),
      label: 'native',
    };
  }
  if (name === 'native') throw new Error(`native renderer unavailable: ${load.reason}`);
  return { factory: referenceRendererFactory, label: `reference (native unavailable: ${load.reason})` };
}
