/**
 * Drawing a rendered frame: a full-screen triangle reads the frame texture(s) texel for texel (the canvas has the
 * render size) and blends two of them when a frame time falls between two chunks' models.
 */

export const PRESENT_WGSL = `
struct Present {
  beta: f32,
  pad0: f32,
  pad1: f32,
  pad2: f32,
}

@group(0) @binding(0) var tex_a: texture_2d<f32>;
@group(0) @binding(1) var tex_b: texture_2d<f32>;
@group(0) @binding(2) var<uniform> present: Present;

@vertex
fn vs(@builtin(vertex_index) i: u32) -> @builtin(position) vec4<f32> {
  let p = vec2<f32>(f32((i << 1u) & 2u), f32(i & 2u));
  return vec4<f32>(p * 2.0 - 1.0, 0.0, 1.0);
}

@fragment
fn fs(@builtin(position) pos: vec4<f32>) -> @location(0) vec4<f32> {
  let c = vec2<i32>(pos.xy);
  let a = textureLoad(tex_a, c, 0).rgb;
  let b = textureLoad(tex_b, c, 0).rgb;
  // (1 − β)·a + β·b as the reference blends two chunks' frames; β = 0 gives a exactly.
  return vec4<f32>(a * (1.0 - present.beta) + b * present.beta, 1.0);
}
`;

export class Presenter {
  private readonly module: GPUShaderModule;
  private readonly layout: GPUBindGroupLayout;
  private readonly pipelines = new Map<GPUTextureFormat, GPURenderPipeline>();
  private readonly uniforms: GPUBuffer;

  constructor(private readonly device: GPUDevice) {
    this.module = device.createShaderModule({ code: PRESENT_WGSL, label: 'present' });
    this.layout = device.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: GPUShaderStage.FRAGMENT, texture: { sampleType: 'unfilterable-float' } },
        { binding: 1, visibility: GPUShaderStage.FRAGMENT, texture: { sampleType: 'unfilterable-float' } },
        { binding: 2, visibility: GPUShaderStage.FRAGMENT, buffer: { type: 'uniform' } },
      ],
    });
    this.uniforms = device.createBuffer({
      size: 16,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
  }

  private pipeline(format: GPUTextureFormat): GPURenderPipeline {
    let p = this.pipelines.get(format);
    if (!p) {
      p = this.device.createRenderPipeline({
        label: `present ${format}`,
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [this.layout] }),
        vertex: { module: this.module, entryPoint: 'vs' },
        fragment: { module: this.module, entryPoint: 'fs', targets: [{ format }] },
        primitive: { topology: 'triangle-list' },
      });
      this.pipelines.set(format, p);
    }
    return p;
  }

  /** Records the draw of `a` (blended with `b` by β) into `target`, which has the frames' size. */
  encode(
    encoder: GPUCommandEncoder,
    target: GPUTextureView,
    format: GPUTextureFormat,
    a: GPUTextureView,
    b: GPUTextureView,
    beta: number,
  ): void {
    this.device.queue.writeBuffer(this.uniforms, 0, new Float32Array([beta, 0, 0, 0]));
    const bindGroup = this.device.createBindGroup({
      layout: this.layout,
      entries: [
        { binding: 0, resource: a },
        { binding: 1, resource: b },
        { binding: 2, resource: { buffer: this.uniforms } },
      ],
    });
    const pass = encoder.beginRenderPass({
      colorAttachments: [
        { view: target, loadOp: 'clear', storeOp: 'store', clearValue: { r: 0, g: 0, b: 0, a: 1 } },
      ],
    });
    pass.setPipeline(this.pipeline(format));
    pass.setBindGroup(0, bindGroup);
    pass.draw(3);
    pass.end();
  }

  destroy(): void {
    this.uniforms.destroy();
  }
}
