/// <reference lib="webworker" />
/**
 * The decode Worker: parses init and media segments and dequantizes weights and latents off the main thread,
 * transferring the resulting Float32Arrays back.
 */
import { DecoderCore } from './decoder-core.js';
import { type DecodeRequest, type DecodeResponse, serializeError } from './protocol.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const core = new DecoderCore();

scope.onmessage = (event: MessageEvent<DecodeRequest>) => {
  const request = event.data;
  let response: DecodeResponse;
  // A Set: several tensors may be views of one buffer, and a buffer can be transferred only once.
  const transfer = new Set<ArrayBuffer>();
  try {
    if (request.op === 'init') {
      const chunk = core.decodeInit(request.key, request.bytes);
      for (const p of chunk.params) transfer.add(p.data.buffer as ArrayBuffer);
      response = { id: request.id, ok: true, chunk };
    } else if (request.op === 'segment') {
      const latents = core.decodeSegment(request.key, request.bytes);
      transfer.add(latents.data.buffer as ArrayBuffer);
      response = { id: request.id, ok: true, latents };
    } else {
      core.release(request.key);
      response = { id: request.id, ok: true, released: true };
    }
  } catch (error) {
    response = { id: request.id, ok: false, error: serializeError(error) };
  }
  scope.postMessage(response, [...transfer]);
};
