/**
 * One chunk's model on the GPU: its parameters, latent table, per-frame scratch and uniforms, and the compute
 * pipelines of its configuration (compiled once per distinct config and shared between chunks).
 */
import { type ModelConfig, sceneOf } from '../../../src/codec/model/config.js';
import { latentAt } from '../../../src/codec/model/latent.js';
import { warpLatentDims, warpParams } from '../../../src/codec/model/warp.js';
import { ErrorDetails, ErrorTypes, PlayerError } from '../core/errors.js';
import type { DecodedChunk } from '../decode/types.js';
import {
  FRAME_UNIFORM_BYTES,
  frameUniformData,
  type ModelLayout,
  modelLayout,
  packParams,
} from './layout.js';
import { type ModelShader, modelShader, unsupportedReason, WORKGROUP_2D } from './wgsl.js';

export const FRAME_FORMAT: GPUTextureFormat = 'rgba16float';

export interface ModelPipelines {
  layout: ModelLayout;
  shader: ModelShader;
  bindGroupLayout: GPUBindGroupLayout;
  frame: Array<{ pipeline: GPUComputePipeline; workgroups: number }>;
  pixel: Array<{ pipeline: GPUComputePipeline; grid: 'pixels' | 'centroids' }>;
}

function unsupported(message: string, cause?: unknown): PlayerError {
  return new PlayerError({
    type: ErrorTypes.RENDER_ERROR,
    details: ErrorDetails.MODEL_UNSUPPORTED,
    message,
    cause,
  });
}

/** Compiles a config's shaders; rejects with `modelUnsupported` (naming the problem) when they do not build. */
export async function buildPipelines(device: GPUDevice, config: ModelConfig): Promise<ModelPipelines> {
  const layout = modelLayout(config);
  const reason = unsupportedReason(config, layout, device.limits.maxComputeWorkgroupsPerDimension);
  if (reason) throw unsupported(reason);
  const shader = modelShader(config, layout);
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ code: shader.code, label: 'lirn model' });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0) {
    await device.popErrorScope();
    throw unsupported(
      `model shader does not compile: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`,
    );
  }
  const storage = (type: GPUBufferBindingType): GPUBindGroupLayoutEntry['buffer'] => ({ type });
  const bindGroupLayout = device.createBindGroupLayout({
    label: 'lirn model',
    entries: [
      { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: storage('read-only-storage') },
      { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: storage('read-only-storage') },
      { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: storage('storage') },
      { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: storage('uniform') },
      {
        binding: 4,
        visibility: GPUShaderStage.COMPUTE,
        storageTexture: { access: 'write-only', format: FRAME_FORMAT, viewDimension: '2d' },
      },
      { binding: 5, visibility: GPUShaderStage.COMPUTE, buffer: storage('storage') },
    ],
  });
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [bindGroupLayout] });
  const make = (entryPoint: string) =>
    device.createComputePipelineAsync({
      label: entryPoint,
      layout: pipelineLayout,
      compute: { module, entryPoint },
    });
  try {
    const frame = await Promise.all(
      shader.frameEntries.map(async (e) => ({ pipeline: await make(e.entry), workgroups: e.workgroups })),
    );
    const pixel = await Promise.all(
      shader.pixelEntries.map(async (e) => ({ pipeline: await make(e.entry), grid: e.grid })),
    );
    const error = await device.popErrorScope();
    if (error) throw unsupported(`model pipelines are invalid: ${error.message}`);
    return { layout, shader, bindGroupLayout, frame, pixel };
  } catch (error) {
    if (error instanceof PlayerError) throw error;
    throw unsupported(`model pipelines failed to build: ${String(error)}`, error);
  }
}

/** An output the model can draw into: a frame texture of a given size. */
export interface FrameSurface {
  readonly id: number;
  readonly width: number;
  readonly height: number;
  readonly view: GPUTextureView;
}

export class GpuModel {
  readonly key: string;
  readonly firstFrame: number;
  readonly frameCount: number;
  readonly latentDim: number;
  private readonly params: GPUBuffer;
  private readonly latents: GPUBuffer;
  private readonly scratch: GPUBuffer;
  private readonly uniforms: GPUBuffer;
  /** Warped models: the warp's latent components of every row ([frames, warpDims]), for the uniforms. */
  private readonly warpDims: number;
  private readonly warpLatents: Float32Array | null;
  private features: GPUBuffer;
  private readonly bindGroups = new Map<number, GPUBindGroup>();
  private destroyed = false;

  constructor(
    private readonly device: GPUDevice,
    private readonly pipelines: ModelPipelines,
    readonly chunk: DecodedChunk,
  ) {
    this.key = chunk.key;
    this.firstFrame = chunk.firstFrame;
    this.frameCount = chunk.frameCount;
    this.latentDim = chunk.config.latent.dim;
    const packed = packParams(pipelines.layout.params, chunk.params);
    const maxBinding = device.limits.maxStorageBufferBindingSize;
    const latentBytes = chunk.frameCount * this.latentDim * 4;
    if (packed.byteLength > maxBinding || latentBytes > maxBinding) {
      throw unsupported(
        `model needs ${Math.max(packed.byteLength, latentBytes)} bytes in one buffer, the GPU allows ${maxBinding}`,
      );
    }
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    this.params = device.createBuffer({
      label: `${chunk.key} params`,
      size: Math.max(16, packed.byteLength),
      usage,
    });
    device.queue.writeBuffer(this.params, 0, packed);
    this.latents = device.createBuffer({
      label: `${chunk.key} latents`,
      size: Math.max(16, latentBytes),
      usage,
    });
    this.scratch = device.createBuffer({
      label: `${chunk.key} scratch`,
      size: Math.max(16, pipelines.layout.scratch.totalFloats * 4),
      usage: GPUBufferUsage.STORAGE,
    });
    this.uniforms = device.createBuffer({
      size: FRAME_UNIFORM_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.features = device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE });
    this.warpDims = warpLatentDims(chunk.config.warp);
    this.warpLatents = this.warpDims > 0 ? new Float32Array(chunk.frameCount * this.warpDims) : null;
  }

  /** Uploads latent rows starting at local row `row0` ([rows, latentDim] row-major). */
  writeLatents(row0: number, data: Float32Array): void {
    const rows = data.length / this.latentDim;
    if (!Number.isInteger(rows) || row0 < 0 || row0 + rows > this.frameCount) {
      throw new RangeError(
        `latent rows ${row0}+${rows} do not fit chunk ${this.key} (${this.frameCount} rows)`,
      );
    }
    this.device.queue.writeBuffer(this.latents, row0 * this.latentDim * 4, data);
    const dims = this.warpDims;
    for (let r = 0; this.warpLatents && r < rows; r++) {
      this.warpLatents.set(data.subarray(r * this.latentDim, r * this.latentDim + dims), (row0 + r) * dims);
    }
  }

  /** The warp [u, v, a, b, c, d] at local time `t` (of latentAt's z, as the reference); null without a warp. */
  private warpAt(t: number): Float64Array | null {
    if (!this.warpLatents) return null;
    return warpParams(this.chunk.config, latentAt(this.warpLatents, this.frameCount, this.warpDims, t));
  }

  private gridOf(surface: FrameSurface): { gw: number; gh: number } {
    const p = this.chunk.config.patch;
    return p
      ? { gw: Math.ceil(surface.width / p.size), gh: Math.ceil(surface.height / p.size) }
      : { gw: 0, gh: 0 };
  }

  private bindGroup(surface: FrameSurface): GPUBindGroup {
    const patch = this.chunk.config.patch;
    if (patch) {
      const { gw, gh } = this.gridOf(surface);
      const need = gw * gh * patch.channels * 4;
      if (this.features.size < need) {
        this.features.destroy();
        this.features = this.device.createBuffer({
          label: `${this.key} features`,
          size: need,
          usage: GPUBufferUsage.STORAGE,
        });
        this.bindGroups.clear();
      }
    }
    let group = this.bindGroups.get(surface.id);
    if (!group) {
      group = this.device.createBindGroup({
        layout: this.pipelines.bindGroupLayout,
        entries: [
          { binding: 0, resource: { buffer: this.params } },
          { binding: 1, resource: { buffer: this.latents } },
          { binding: 2, resource: { buffer: this.scratch } },
          { binding: 3, resource: { buffer: this.uniforms } },
          { binding: 4, resource: surface.view },
          { binding: 5, resource: { buffer: this.features } },
        ],
      });
      this.bindGroups.set(surface.id, group);
    }
    return group;
  }

  /** Forgets bind groups of a surface that is gone. */
  dropSurface(id: number): void {
    this.bindGroups.delete(id);
  }

  /**
   * Records the frame at local time `t` (fractional for interpolated frames; it also sets τ of spatio-temporal
   * hash-grid levels and the warp of warped models) into `surface`: the per-frame passes (latent, hypernetworks, modulation), then the pixel
   * pass(es). The uniforms are written now, so submit before the next `encode`.
   */
  encode(encoder: GPUCommandEncoder, t: number, surface: FrameSurface): void {
    if (this.destroyed) throw new Error(`model ${this.key} was released`);
    if (!(t >= 0 && t <= this.frameCount - 1))
      throw new RangeError(`frame time ${t} is outside chunk ${this.key}`);
    const { gw, gh } = this.gridOf(surface);
    const u = frameUniformData({
      width: surface.width,
      height: surface.height,
      gridW: gw,
      gridH: gh,
      t,
      frames: this.frameCount,
      warp: this.warpAt(t),
      scene: sceneOf(this.chunk.config.encoding, t, this.frameCount),
    });
    this.device.queue.writeBuffer(this.uniforms, 0, u);
    const group = this.bindGroup(surface);
    const pass = encoder.beginComputePass({ label: `frame ${this.key} t=${t}` });
    pass.setBindGroup(0, group);
    for (const step of this.pipelines.frame) {
      pass.setPipeline(step.pipeline);
      pass.dispatchWorkgroups(step.workgroups);
    }
    for (const step of this.pipelines.pixel) {
      const [w, h] = step.grid === 'centroids' ? [gw, gh] : [surface.width, surface.height];
      pass.setPipeline(step.pipeline);
      pass.dispatchWorkgroups(Math.ceil(w / WORKGROUP_2D), Math.ceil(h / WORKGROUP_2D));
    }
    pass.end();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const b of [this.params, this.latents, this.scratch, this.uniforms, this.features]) b.destroy();
    this.bindGroups.clear();
  }
}
