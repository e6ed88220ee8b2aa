/**
 * The H.264 fallback: hls.js's full player on a <video> element (MSE), for browsers without WebGPU. hls.js
 * recovers from its non-fatal errors itself; its fatal ones go through the player's recovery decision, which
 * says retry (restart loading / recover the media element, hls.js's usual recipe) or stop.
 */
import Hls, { type ErrorData } from 'hls.js';
import { ErrorDetails, type ErrorType, ErrorTypes, PlayerError } from '../core/errors.js';
import type { RecoveryAction } from '../core/recovery.js';

export interface FallbackHandle {
  /** 'hls.js' (MSE) or 'native' (the browser plays HLS itself). */
  engine: 'hls.js' | 'native';
  destroy(): void;
}

function errorType(hlsType: string): ErrorType {
  if (hlsType === Hls.ErrorTypes.NETWORK_ERROR) return ErrorTypes.NETWORK_ERROR;
  if (hlsType === Hls.ErrorTypes.MEDIA_ERROR) return ErrorTypes.MEDIA_ERROR;
  return ErrorTypes.OTHER_ERROR;
}

/**
 * Plays `url` (the multivariant playlist: hls.js drops the variant whose codec it does not know, ours, and plays
 * the H.264 ones with its own ABR; or a fallback media playlist).
 */
export function startHlsFallback(
  video: HTMLVideoElement,
  url: string,
  handleError: (error: PlayerError, attempt: number) => RecoveryAction,
  autoplay = true,
): FallbackHandle {
  if (Hls.isSupported()) {
    const hls = new Hls({ enableWorker: true });
    let attempts = 0;
    hls.on(Hls.Events.ERROR, (_event, data: ErrorData) => {
      if (!data.fatal) return;
      const error = new PlayerError({
        type: errorType(data.type),
        details: ErrorDetails.FALLBACK_ERROR,
        reason: data.details,
        message: `hls.js: ${data.details}${data.error ? `: ${data.error.message}` : ''}`,
        url: data.url ?? data.frag?.url,
      });
      const action = handleError(error, attempts++);
      if (action.kind !== 'retry') {
        hls.destroy();
        return;
      }
      setTimeout(() => {
        if (data.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
        else hls.startLoad();
      }, action.delayMs);
    });
    hls.on(Hls.Events.FRAG_BUFFERED, () => {
      attempts = 0;
    });
    hls.loadSource(url);
    hls.attachMedia(video);
    if (autoplay) {
      hls.on(Hls.Events.MANIFEST_PARSED, () => {
        video.muted = true;
        void video.play().catch(() => undefined);
      });
    }
    return { engine: 'hls.js', destroy: () => hls.destroy() };
  }
  if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = url;
    if (autoplay) {
      video.muted = true;
      void video.play().catch(() => undefined);
    }
    return {
      engine: 'native',
      destroy: () => {
        video.removeAttribute('src');
        video.load();
      },
    };
  }
  const error = new PlayerError({
    type: ErrorTypes.MEDIA_ERROR,
    details: ErrorDetails.FALLBACK_ERROR,
    reason: 'mediaSourceUnavailable',
    message:
      'this browser has neither Media Source Extensions nor native HLS: the H.264 rendition cannot play either',
  });
  handleError(error, Number.POSITIVE_INFINITY);
  return { engine: 'native', destroy: () => undefined };
}
