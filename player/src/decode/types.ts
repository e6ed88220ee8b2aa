/** What the decode worker hands the main thread: plain data, its typed arrays transferable. */
import type { ModelConfig } from '../../../src/codec/model/config.js';

export interface DecodedParam {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** One chunk's model (every parameter but the latents) and the header fields the player needs. */
export interface DecodedChunk {
  /** Init segment identity (InitRef.key). */
  key: string;
  config: ModelConfig;
  /** Global frame number of latent row 0, and the number of rows. */
  firstFrame: number;
  frameCount: number;
  /** Frame size the model was trained at. */
  trainedWidth: number;
  trainedHeight: number;
  /** From the init segment's header (equal in every chunk of a stream). */
  fps: number;
  totalFrames: number;
  displayWidth: number;
  displayHeight: number;
  /** Non-latent parameters in `paramSpecs` order. */
  params: DecodedParam[];
}

/** Latent rows of one media segment: global frames firstFrame … firstFrame + rows − 1. */
export interface DecodedLatents {
  key: string;
  firstFrame: number;
  rows: number;
  dim: number;
  /** [rows, dim] row-major. */
  data: Float32Array;
  sequenceNumber?: number;
}

/** The decode stage as the loader sees it: in a Worker in the browser, in-process in tests. */
export interface SegmentDecoder {
  decodeInit(key: string, bytes: Uint8Array): Promise<DecodedChunk>;
  decodeSegment(key: string, bytes: Uint8Array): Promise<DecodedLatents>;
  release(key: string): void;
  dispose(): void;
}
