/**
 * What the Player needs from a renderer: the WebGPU renderer in the page, a recording fake in unit tests. A
 * model is whatever the renderer made of a decoded chunk; the Player only hands it latent rows and render jobs.
 */
import type { PlayerError } from '../core/errors.js';
import type { DecodedChunk } from '../decode/types.js';
import type { GpuHandle } from '../render/gpu-device.js';

export interface RenderModel {
  /** Uploads latent rows starting at local row `row0` ([rows, latent dim] row-major). */
  writeLatents(row0: number, data: Float32Array): void;
}

/** One output frame: model `a` at local time `a.t`, blended with `b` by β between two chunks. */
export interface RenderJob<M extends RenderModel = RenderModel> {
  a: { model: M; t: number };
  b: { model: M; t: number } | null;
  beta: number;
}

export interface PlayerRenderer<M extends RenderModel = RenderModel> {
  attachCanvas(canvas: HTMLCanvasElement): void;
  createModel(chunk: DecodedChunk): Promise<M>;
  releaseModel(model: M): void;
  /** Draws `job` at width × height on the attached canvas; resolves with the GPU milliseconds it took. */
  renderToCanvas(job: RenderJob<M>, width: number, height: number): Promise<number>;
  /** RGB floats, row-major, as the reference decoder's renderFrame. */
  readPixels(job: RenderJob<M>, width: number, height: number): Promise<Float32Array>;
  /** Mean milliseconds per frame of rendering `jobs` back to back off-screen. */
  timeFrames(jobs: RenderJob<M>[], width: number, height: number): Promise<number>;
  destroy(): void;
}

export type PlayerRendererFactory = (
  gpu: GpuHandle,
  onDeviceLost: (error: PlayerError) => void,
  onGpuError: (error: PlayerError) => void,
) => PlayerRenderer;
