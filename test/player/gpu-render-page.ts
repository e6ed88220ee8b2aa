/**
 * Browser entry of gpu-render.test.ts, bundled with esbuild at test time: the player's own WebGPU renderer
 * (requestGpu → GpuRenderer → GpuModel), driven directly with a model handed over from Node, without the
 * streaming server or the Player. Exposes `window.lirnGpuRender`.
 */
import type { DecodedChunk } from '../../player/src/decode/types.js';
import { requestGpu } from '../../player/src/render/gpu-device.js';
import { GpuRenderer } from '../../player/src/render/gpu-renderer.js';
import type { ModelConfig } from '../../src/codec/model/config.js';

/** A model as plain JSON: its config, every parameter but the latents, and the latents ([frames, dim]). */
export interface GpuRenderRequest {
  config: ModelConfig;
  frames: number;
  params: Array<{ name: string; shape: number[]; data: number[] }>;
  latents: number[];
  /** Local frame times to render (fractional allowed), each at width × height. */
  times: number[];
  width: number;
  height: number;
}

export interface GpuRenderResult {
  adapter: string;
  /** One RGB float frame per time, row-major. */
  frames: number[][];
  errors: string[];
}

declare global {
  interface Window {
    lirnGpuRender?: (request: GpuRenderRequest) => Promise<GpuRenderResult>;
  }
}

window.lirnGpuRender = async (request) => {
  const gpu = await requestGpu();
  const errors: string[] = [];
  const renderer = new GpuRenderer(
    gpu,
    (e) => errors.push(e.message),
    (e) => errors.push(e.message),
  );
  try {
    const chunk: DecodedChunk = {
      key: 'test',
      config: request.config,
      firstFrame: 0,
      frameCount: request.frames,
      trainedWidth: request.width,
      trainedHeight: request.height,
      fps: 24,
      totalFrames: request.frames,
      displayWidth: request.width,
      displayHeight: request.height,
      params: request.params.map((p) => ({ ...p, data: Float32Array.from(p.data) })),
    };
    const model = await renderer.createModel(chunk);
    model.writeLatents(0, Float32Array.from(request.latents));
    const frames: number[][] = [];
    for (const t of request.times) {
      const pixels = await renderer.readPixels(
        { a: { model, t }, b: null, beta: 0 },
        request.width,
        request.height,
      );
      frames.push(Array.from(pixels));
    }
    return { adapter: gpu.description, frames, errors };
  } finally {
    renderer.destroy();
  }
};
