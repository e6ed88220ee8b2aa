/**
 * The one place src/media imports node-av: the polyfill must run first, and FFmpeg's own logging is silenced
 * (failures surface as MediaError instead). Set LIRN_FFMPEG_LOG=info|warning|error|debug to see FFmpeg's log.
 */
import './polyfill.js';
import { AV_LOG_DEBUG, AV_LOG_ERROR, AV_LOG_INFO, AV_LOG_QUIET, AV_LOG_WARNING } from 'node-av/constants';
import { Log } from 'node-av/lib';

const levels = { debug: AV_LOG_DEBUG, info: AV_LOG_INFO, warning: AV_LOG_WARNING, error: AV_LOG_ERROR };
const requested = process.env.LIRN_FFMPEG_LOG as keyof typeof levels | undefined;
Log.setLevel(requested && requested in levels ? levels[requested] : AV_LOG_QUIET);
// SVT-AV1 prints its banner and warnings itself; its level comes from the environment, read when it first logs.
if (!requested) process.env.SVT_LOG ??= '0';

export { Decoder, Demuxer, Encoder, FilterAPI, FilterComplexAPI, Muxer } from 'node-av/api';
export type { Packet, Stream } from 'node-av/lib';
export { FFmpegError, Frame, Rational as AvRational } from 'node-av/lib';
