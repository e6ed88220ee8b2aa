/** Getting a WebGPU device, or a typed `webgpuUnavailable` error saying why not. */
import { ErrorDetails, ErrorTypes, PlayerError } from '../core/errors.js';

function unavailable(message: string, cause?: unknown): PlayerError {
  return new PlayerError({
    type: ErrorTypes.RENDER_ERROR,
    details: ErrorDetails.WEBGPU_UNAVAILABLE,
    message,
    cause,
  });
}

export interface GpuHandle {
  adapter: GPUAdapter;
  device: GPUDevice;
  /** e.g. "google swiftshader" or the GPU's vendor/architecture. */
  description: string;
}

export async function requestGpu(
  gpu: GPU | undefined = (globalThis.navigator as Navigator | undefined)?.gpu,
): Promise<GpuHandle> {
  if (!gpu) {
    throw unavailable(
      globalThis.isSecureContext === false
        ? 'WebGPU needs a secure context (https or localhost)'
        : 'this browser does not expose WebGPU (navigator.gpu is missing)',
    );
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    throw unavailable(`requestAdapter failed: ${String(error)}`, error);
  }
  if (!adapter) throw unavailable('no WebGPU adapter is available (GPU blocklisted or disabled)');
  let device: GPUDevice;
  try {
    // Models with large hash tables need more than the default 128 MiB binding size; ask for what the adapter has.
    device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
      },
    });
  } catch (error) {
    throw unavailable(`requestDevice failed: ${String(error)}`, error);
  }
  const info = adapter.info;
  const description =
    [info?.vendor, info?.architecture, info?.description].filter((s) => s).join(' ') || 'unknown adapter';
  return { adapter, device, description };
}
