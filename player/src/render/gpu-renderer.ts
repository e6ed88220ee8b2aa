/**
 * The WebGPU renderer: compiles and caches each model configuration's pipelines, renders frame jobs (one model,
 * or two blended across a chunk boundary) into rgba16float frame textures, draws them to a canvas, and reads
 * frames back for tests and benchmarks.
 */
import { ErrorDetails, ErrorTypes, PlayerError } from '../core/errors.js';
import type { DecodedChunk } from '../decode/types.js';
import type { PlayerRenderer, RenderJob as PortRenderJob } from '../playback/renderer-port.js';
import type { GpuHandle } from './gpu-device.js';
import {
  buildPipelines,
  FRAME_FORMAT,
  type FrameSurface,
  GpuModel,
  type ModelPipelines,
} from './gpu-model.js';
import { Presenter } from './present.js';

export type RenderJob = PortRenderJob<GpuModel>;

let nextSurfaceId = 1;

/** A pair of frame textures (the second for cross-chunk blends) of one size. */
class SurfacePair {
  readonly a: FrameSurface;
  readonly b: FrameSurface;
  private readonly textures: GPUTexture[];

  constructor(
    device: GPUDevice,
    readonly width: number,
    readonly height: number,
  ) {
    const make = () =>
      device.createTexture({
        size: { width, height },
        format: FRAME_FORMAT,
        usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_SRC,
      });
    this.textures = [make(), make()];
    this.a = { id: nextSurfaceId++, width, height, view: this.textures[0].createView() };
    this.b = { id: nextSurfaceId++, width, height, view: this.textures[1].createView() };
  }

  destroy(models: Iterable<GpuModel>): void {
    for (const m of models) {
      m.dropSurface(this.a.id);
      m.dropSurface(this.b.id);
    }
    for (const t of this.textures) t.destroy();
  }
}

export class GpuRenderer implements PlayerRenderer<GpuModel> {
  private readonly presenter: Presenter;
  private readonly pipelineCache = new Map<string, Promise<ModelPipelines>>();
  private readonly models = new Set<GpuModel>();
  private surfaces: SurfacePair | null = null;
  private context: GPUCanvasContext | null = null;
  private canvasFormat: GPUTextureFormat = 'bgra8unorm';
  private destroyed = false;

  constructor(
    readonly gpu: GpuHandle,
    onLost: (error: PlayerError) => void,
    onGpuError: (error: PlayerError) => void = () => undefined,
  ) {
    this.presenter = new Presenter(gpu.device);
    gpu.device.addEventListener('uncapturederror', (event) => {
      if (this.destroyed) return;
      onGpuError(
        new PlayerError({
          type: ErrorTypes.RENDER_ERROR,
          details: ErrorDetails.FRAME_RENDER_ERROR,
          message: `WebGPU error: ${(event as GPUUncapturedErrorEvent).error.message}`,
        }),
      );
    });
    void gpu.device.lost.then((info) => {
      if (this.destroyed) return;
      onLost(
        new PlayerError({
          type: ErrorTypes.RENDER_ERROR,
          details: ErrorDetails.GPU_DEVICE_LOST,
          message: `GPU device lost (${info.reason}): ${info.message}`,
        }),
      );
    });
  }

  get device(): GPUDevice {
    return this.gpu.device;
  }

  attachCanvas(canvas: HTMLCanvasElement | OffscreenCanvas): void {
    const context = canvas.getContext('webgpu') as GPUCanvasContext | null;
    if (!context) {
      throw new PlayerError({
        type: ErrorTypes.RENDER_ERROR,
        details: ErrorDetails.WEBGPU_UNAVAILABLE,
        message: 'the canvas has no webgpu context',
      });
    }
    this.canvasFormat = navigator.gpu.getPreferredCanvasFormat();
    context.configure({ device: this.device, format: this.canvasFormat, alphaMode: 'opaque' });
    this.context = context;
  }

  /** Uploads a decoded chunk; rejects with `modelUnsupported` if this renderer cannot draw its config. */
  async createModel(chunk: DecodedChunk): Promise<GpuModel> {
    const key = JSON.stringify(chunk.config);
    let pipelines = this.pipelineCache.get(key);
    if (!pipelines) {
      pipelines = buildPipelines(this.device, chunk.config);
      this.pipelineCache.set(key, pipelines);
      pipelines.catch(() => this.pipelineCache.delete(key));
    }
    const model = new GpuModel(this.device, await pipelines, chunk);
    this.models.add(model);
    return model;
  }

  releaseModel(model: GpuModel): void {
    this.models.delete(model);
    model.destroy();
  }

  private surfacesOf(width: number, height: number): SurfacePair {
    if (!this.surfaces || this.surfaces.width !== width || this.surfaces.height !== height) {
      this.surfaces?.destroy(this.models);
      this.surfaces = new SurfacePair(this.device, width, height);
    }
    return this.surfaces;
  }

  private encodeJob(encoder: GPUCommandEncoder, job: RenderJob, pair: SurfacePair): void {
    job.a.model.encode(encoder, job.a.t, pair.a);
    if (job.b && job.beta > 0) job.b.model.encode(encoder, job.b.t, pair.b);
  }

  /**
   * Renders `job` at width × height into the attached canvas (whose backing size the caller keeps equal to the
   * render size). Resolves with the milliseconds from submission until the GPU finished the frame.
   */
  async renderToCanvas(job: RenderJob, width: number, height: number): Promise<number> {
    if (!this.context) throw new Error('renderToCanvas: no canvas attached');
    const pair = this.surfacesOf(width, height);
    const encoder = this.device.createCommandEncoder({ label: 'frame' });
    this.encodeJob(encoder, job, pair);
    const blend = job.b !== null && job.beta > 0;
    this.presenter.encode(
      encoder,
      this.context.getCurrentTexture().createView(),
      this.canvasFormat,
      pair.a.view,
      blend ? pair.b.view : pair.a.view,
      blend ? job.beta : 0,
    );
    const t0 = performance.now();
    this.device.queue.submit([encoder.finish()]);
    await this.device.queue.onSubmittedWorkDone();
    return performance.now() - t0;
  }

  /** Renders `job` at width × height and reads it back: RGB floats, row-major, as the reference decoder returns. */
  async readPixels(job: RenderJob, width: number, height: number): Promise<Float32Array> {
    const pair = new SurfacePair(this.device, width, height);
    const target = this.device.createTexture({
      size: { width, height },
      format: 'rgba32float',
      usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC,
    });
    const bytesPerRow = Math.ceil((width * 16) / 256) * 256;
    const staging = this.device.createBuffer({
      size: bytesPerRow * height,
      usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
    });
    try {
      const encoder = this.device.createCommandEncoder({ label: 'readback' });
      this.encodeJob(encoder, job, pair);
      const blend = job.b !== null && job.beta > 0;
      this.presenter.encode(
        encoder,
        target.createView(),
        'rgba32float',
        pair.a.view,
        blend ? pair.b.view : pair.a.view,
        blend ? job.beta : 0,
      );
      encoder.copyTextureToBuffer({ texture: target }, { buffer: staging, bytesPerRow }, { width, height });
      this.device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const rgba = new Float32Array(staging.getMappedRange());
      const out = new Float32Array(width * height * 3);
      const stride = bytesPerRow / 4;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const s = y * stride + x * 4;
          const d = (y * width + x) * 3;
          out[d] = rgba[s];
          out[d + 1] = rgba[s + 1];
          out[d + 2] = rgba[s + 2];
        }
      }
      staging.unmap();
      return out;
    } finally {
      pair.destroy(this.models);
      target.destroy();
      staging.destroy();
    }
  }

  /** Renders `frames` jobs back to back (no canvas) and returns the mean GPU milliseconds per frame. */
  async timeFrames(jobs: RenderJob[], width: number, height: number): Promise<number> {
    const pair = new SurfacePair(this.device, width, height);
    try {
      const t0 = performance.now();
      for (const job of jobs) {
        const encoder = this.device.createCommandEncoder();
        this.encodeJob(encoder, job, pair);
        this.device.queue.submit([encoder.finish()]);
      }
      await this.device.queue.onSubmittedWorkDone();
      return (performance.now() - t0) / jobs.length;
    } finally {
      pair.destroy(this.models);
    }
  }

  destroy(): void {
    this.destroyed = true;
    for (const m of this.models) m.destroy();
    this.models.clear();
    this.surfaces?.destroy([]);
    this.presenter.destroy();
    this.context?.unconfigure();
    this.device.destroy();
  }
}
