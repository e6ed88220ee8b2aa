import { describe, expect, it } from 'vitest';
import { type ErrorDetail, ErrorDetails, ErrorTypes, PlayerError } from '../../player/src/core/errors.js';
import { DEFAULT_RECOVERY_POLICY, decideRecovery } from '../../player/src/core/recovery.js';

function err(
  details: ErrorDetail,
  httpStatus?: number,
  type: PlayerError['type'] = ErrorTypes.NETWORK_ERROR,
): PlayerError {
  return new PlayerError({ type, details, message: details, httpStatus });
}

describe('decideRecovery', () => {
  it('retries segment loads with exponential backoff, then skips the segment', () => {
    const delays: number[] = [];
    for (let attempt = 0; attempt < DEFAULT_RECOVERY_POLICY.maxRetries; attempt++) {
      const e = err(ErrorDetails.FRAG_LOAD_ERROR, 503);
      const a = decideRecovery(e, attempt);
      expect(a.kind).toBe('retry');
      expect(e.fatal).toBe(false);
      if (a.kind === 'retry') delays.push(a.delayMs);
    }
    expect(delays).toEqual([250, 500, 1000]);
    const last = err(ErrorDetails.FRAG_LOAD_ERROR, 503);
    expect(decideRecovery(last, DEFAULT_RECOVERY_POLICY.maxRetries)).toEqual({ kind: 'skip' });
    expect(last.fatal).toBe(false);
  });

  it('does not retry what a repeat cannot fix: 404s and parsing errors skip at once', () => {
    expect(decideRecovery(err(ErrorDetails.FRAG_LOAD_ERROR, 404), 0)).toEqual({ kind: 'skip' });
    expect(decideRecovery(err(ErrorDetails.FRAG_LOAD_ERROR, 429), 0).kind).toBe('retry');
    expect(decideRecovery(err(ErrorDetails.FRAG_LOAD_TIMEOUT), 0).kind).toBe('retry');
    expect(
      decideRecovery(err(ErrorDetails.FRAG_PARSING_ERROR, undefined, ErrorTypes.MEDIA_ERROR), 0),
    ).toEqual({ kind: 'skip' });
    expect(
      decideRecovery(err(ErrorDetails.INIT_PARSING_ERROR, undefined, ErrorTypes.MEDIA_ERROR), 0),
    ).toEqual({ kind: 'skip' });
  });

  it('stops (fatal) when the playlists cannot be had', () => {
    const e = err(ErrorDetails.MANIFEST_LOAD_ERROR, 500);
    expect(decideRecovery(e, 0).kind).toBe('retry');
    expect(decideRecovery(e, 3)).toEqual({ kind: 'stop' });
    expect(e.fatal).toBe(true);
    const p = err(ErrorDetails.LEVEL_PARSING_ERROR);
    expect(decideRecovery(p, 0)).toEqual({ kind: 'stop' });
    expect(p.fatal).toBe(true);
  });

  it('falls back to H.264 without WebGPU, for models it cannot draw, and after repeated device losses', () => {
    for (const d of [
      ErrorDetails.WEBGPU_UNAVAILABLE,
      ErrorDetails.MODEL_UNSUPPORTED,
      ErrorDetails.MANIFEST_INCOMPATIBLE,
    ]) {
      const e = err(d, undefined, ErrorTypes.RENDER_ERROR);
      expect(decideRecovery(e, 0)).toEqual({ kind: 'fallback' });
      expect(e.fatal).toBe(true);
    }
    expect(
      decideRecovery(err(ErrorDetails.GPU_DEVICE_LOST, undefined, ErrorTypes.RENDER_ERROR), 0).kind,
    ).toBe('retry');
    expect(decideRecovery(err(ErrorDetails.GPU_DEVICE_LOST, undefined, ErrorTypes.RENDER_ERROR), 3)).toEqual({
      kind: 'fallback',
    });
  });

  it("follows hls.js's recipe for the fallback's fatal errors", () => {
    expect(decideRecovery(err(ErrorDetails.FALLBACK_ERROR, undefined, ErrorTypes.MEDIA_ERROR), 0).kind).toBe(
      'retry',
    );
    expect(decideRecovery(err(ErrorDetails.FALLBACK_ERROR, undefined, ErrorTypes.MEDIA_ERROR), 3)).toEqual({
      kind: 'stop',
    });
    expect(decideRecovery(err(ErrorDetails.FALLBACK_ERROR, undefined, ErrorTypes.OTHER_ERROR), 0)).toEqual({
      kind: 'stop',
    });
  });

  it('serializes like an hls.js error record', () => {
    const e = new PlayerError({
      type: ErrorTypes.NETWORK_ERROR,
      details: ErrorDetails.FRAG_LOAD_ERROR,
      message: 'x',
      url: 'u',
      sn: 3,
      httpStatus: 500,
    });
    decideRecovery(e, 9);
    expect(e.toJSON()).toEqual({
      type: 'networkError',
      details: 'fragLoadError',
      fatal: false,
      message: 'x',
      url: 'u',
      sn: 3,
      httpStatus: 500,
    });
  });
});
