/**
 * Player errors in the hls.js manner: every failure is a `PlayerError` with a `type` (which subsystem), a
 * `details` code (what exactly failed) and `fatal` (whether playback of this pipeline stopped), plus where it
 * happened. `fatal` is set by the recovery decision (recovery.ts), not by whoever noticed the failure.
 */

export const ErrorTypes = {
  NETWORK_ERROR: 'networkError',
  MEDIA_ERROR: 'mediaError',
  RENDER_ERROR: 'renderError',
  OTHER_ERROR: 'otherError',
} as const;
export type ErrorType = (typeof ErrorTypes)[keyof typeof ErrorTypes];

export const ErrorDetails = {
  MANIFEST_LOAD_ERROR: 'manifestLoadError',
  MANIFEST_LOAD_TIMEOUT: 'manifestLoadTimeOut',
  MANIFEST_PARSING_ERROR: 'manifestParsingError',
  /** The multivariant playlist has no rendition this player can play. */
  MANIFEST_INCOMPATIBLE: 'manifestIncompatibleCodecsError',
  LEVEL_LOAD_ERROR: 'levelLoadError',
  LEVEL_LOAD_TIMEOUT: 'levelLoadTimeOut',
  LEVEL_PARSING_ERROR: 'levelParsingError',
  INIT_LOAD_ERROR: 'initLoadError',
  INIT_LOAD_TIMEOUT: 'initLoadTimeOut',
  INIT_PARSING_ERROR: 'initParsingError',
  FRAG_LOAD_ERROR: 'fragLoadError',
  FRAG_LOAD_TIMEOUT: 'fragLoadTimeOut',
  FRAG_PARSING_ERROR: 'fragParsingError',
  WORKER_ERROR: 'workerError',
  WEBGPU_UNAVAILABLE: 'webgpuUnavailable',
  GPU_DEVICE_LOST: 'gpuDeviceLost',
  /** The model needs more than the renderer supports (widths, buffer sizes) or its shaders failed to build. */
  MODEL_UNSUPPORTED: 'modelUnsupported',
  FRAME_RENDER_ERROR: 'frameRenderError',
  /** The H.264 fallback (hls.js) reported an error; `reason` carries its own details code. */
  FALLBACK_ERROR: 'fallbackError',
  INTERNAL_ERROR: 'internalException',
} as const;
export type ErrorDetail = (typeof ErrorDetails)[keyof typeof ErrorDetails];

export interface PlayerErrorInit {
  type: ErrorType;
  details: ErrorDetail;
  message: string;
  url?: string;
  /** Media sequence number of the segment concerned. */
  sn?: number;
  /** HTTP status of a failed response (0 when the request itself failed). */
  httpStatus?: number;
  cause?: unknown;
  /** For hls.js errors: hls.js's own `details` code. */
  reason?: string;
}

export class PlayerError extends Error {
  override readonly name = 'PlayerError';
  readonly type: ErrorType;
  readonly details: ErrorDetail;
  readonly url?: string;
  readonly sn?: number;
  readonly httpStatus?: number;
  readonly reason?: string;
  /** Set once recovery has decided: true when this pipeline stopped (stop or fallback). */
  fatal = false;

  constructor(init: PlayerErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.type = init.type;
    this.details = init.details;
    this.url = init.url;
    this.sn = init.sn;
    this.httpStatus = init.httpStatus;
    this.reason = init.reason;
  }

  /** The plain `{type, details, fatal, …}` record hls.js listeners expect. */
  toJSON(): Record<string, unknown> {
    return {
      type: this.type,
      details: this.details,
      fatal: this.fatal,
      message: this.message,
      ...(this.url === undefined ? {} : { url: this.url }),
      ...(this.sn === undefined ? {} : { sn: this.sn }),
      ...(this.httpStatus === undefined ? {} : { httpStatus: this.httpStatus }),
      ...(this.reason === undefined ? {} : { reason: this.reason }),
    };
  }
}

export function isPlayerError(value: unknown): value is PlayerError {
  return value instanceof PlayerError;
}

/** Wraps anything thrown into a PlayerError of the given kind, keeping an existing PlayerError as is. */
export function toPlayerError(
  error: unknown,
  type: ErrorType,
  details: ErrorDetail,
  where: Omit<PlayerErrorInit, 'type' | 'details' | 'message' | 'cause'> = {},
): PlayerError {
  if (error instanceof PlayerError) return error;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new PlayerError({ type, details, message, cause: error, ...where });
}
