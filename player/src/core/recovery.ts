/**
 * The one place that decides what happens after an error: retry (with exponential backoff), skip the piece,
 * switch to the H.264 fallback, or stop. Loader, renderer and fallback all report here and do what it says.
 */
import { type ErrorDetail, ErrorDetails, ErrorTypes, type PlayerError } from './errors.js';

export type RecoveryAction =
  | { kind: 'retry'; delayMs: number }
  | { kind: 'skip' }
  | { kind: 'fallback' }
  | { kind: 'stop' };

export interface RecoveryPolicy {
  /** Retries of one request (or one renderer restart) before giving up on it. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RECOVERY_POLICY: RecoveryPolicy = { maxRetries: 3, baseDelayMs: 250, maxDelayMs: 4000 };

const LOAD_ERRORS = new Set<ErrorDetail>([
  ErrorDetails.MANIFEST_LOAD_ERROR,
  ErrorDetails.MANIFEST_LOAD_TIMEOUT,
  ErrorDetails.LEVEL_LOAD_ERROR,
  ErrorDetails.LEVEL_LOAD_TIMEOUT,
  ErrorDetails.INIT_LOAD_ERROR,
  ErrorDetails.INIT_LOAD_TIMEOUT,
  ErrorDetails.FRAG_LOAD_ERROR,
  ErrorDetails.FRAG_LOAD_TIMEOUT,
]);

/** Pieces of media whose loss costs some frames, not the whole stream. */
const SKIPPABLE = new Set<ErrorDetail>([
  ErrorDetails.INIT_LOAD_ERROR,
  ErrorDetails.INIT_LOAD_TIMEOUT,
  ErrorDetails.INIT_PARSING_ERROR,
  ErrorDetails.FRAG_LOAD_ERROR,
  ErrorDetails.FRAG_LOAD_TIMEOUT,
  ErrorDetails.FRAG_PARSING_ERROR,
  ErrorDetails.FRAME_RENDER_ERROR,
]);

/** HTTP statuses a repeat of the same request can fix (RFC 9110: timeouts, throttling, server-side errors). */
function retryableStatus(status: number | undefined): boolean {
  if (status === undefined || status === 0) return true;
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

export function backoffDelay(attempt: number, policy: RecoveryPolicy = DEFAULT_RECOVERY_POLICY): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
}

/**
 * `attempt` = how many times this same operation was already retried. Sets `error.fatal` to match the decision
 * and returns it.
 */
export function decideRecovery(
  error: PlayerError,
  attempt: number,
  policy: RecoveryPolicy = DEFAULT_RECOVERY_POLICY,
): RecoveryAction {
  const action = decide(error, attempt, policy);
  error.fatal = action.kind === 'stop' || action.kind === 'fallback';
  return action;
}

function decide(error: PlayerError, attempt: number, policy: RecoveryPolicy): RecoveryAction {
  const d = error.details;
  const canRetry = attempt < policy.maxRetries;
  if (LOAD_ERRORS.has(d)) {
    if (canRetry && retryableStatus(error.httpStatus))
      return { kind: 'retry', delayMs: backoffDelay(attempt, policy) };
    return SKIPPABLE.has(d) ? { kind: 'skip' } : { kind: 'stop' };
  }
  switch (d) {
    case ErrorDetails.INIT_PARSING_ERROR:
    case ErrorDetails.FRAG_PARSING_ERROR:
    case ErrorDetails.FRAME_RENDER_ERROR:
      // The same bytes or the same frame fail the same way again.
      return { kind: 'skip' };
    case ErrorDetails.MANIFEST_INCOMPATIBLE:
    case ErrorDetails.WEBGPU_UNAVAILABLE:
    case ErrorDetails.MODEL_UNSUPPORTED:
      return { kind: 'fallback' };
    case ErrorDetails.GPU_DEVICE_LOST:
      // A lost device is usually a driver reset: a new device works; repeated losses mean the GPU can't cope.
      return canRetry ? { kind: 'retry', delayMs: backoffDelay(attempt, policy) } : { kind: 'fallback' };
    case ErrorDetails.WORKER_ERROR:
      return attempt < 1 ? { kind: 'retry', delayMs: 0 } : { kind: 'stop' };
    case ErrorDetails.FALLBACK_ERROR:
      // hls.js's usual recipe for its fatal errors: restart loading (network) or recover the media element
      // (media), a bounded number of times; anything else it reports as fatal cannot be recovered.
      if (error.type === ErrorTypes.OTHER_ERROR) return { kind: 'stop' };
      return canRetry ? { kind: 'retry', delayMs: backoffDelay(attempt, policy) } : { kind: 'stop' };
    default:
      return { kind: 'stop' };
  }
}
