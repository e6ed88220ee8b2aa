/** `probeVideo`: what a video file holds, without decoding pictures. */
import { AV_NOPTS_VALUE } from 'node-av/constants';
import { avGetCodecName, avGetPixFmtName } from 'node-av/lib';
import { taggedMatrix, taggedRange } from './colour.js';
import { MediaError } from './errors.js';
import { describe, openVideoInput, streamDuration, streamFrameRate, type VideoInput } from './input.js';
import type { VideoInfo } from './types.js';

export interface ProbeOptions {
  /** Count the video packets (reads the whole file, no decoding) when the container gives no frame count. */
  countFrames?: boolean;
}

export async function probeVideo(path: string, options: ProbeOptions = {}): Promise<VideoInfo> {
  const input = await openVideoInput(path);
  try {
    return await describeInput(input, options);
  } finally {
    await input.demuxer.close();
  }
}

async function describeInput(input: VideoInput, options: ProbeOptions): Promise<VideoInfo> {
  const { stream } = input;
  const fps = streamFrameRate(stream);
  const duration = streamDuration(input);
  let frameCount = 0;
  let frameCountExact = false;
  if (stream.nbFrames !== AV_NOPTS_VALUE && stream.nbFrames > 0n) {
    frameCount = Number(stream.nbFrames);
    frameCountExact = true;
  } else if (options.countFrames) {
    frameCount = await countPackets(input);
    frameCountExact = true;
  } else if (fps.num > 0) {
    frameCount = Math.round((duration * fps.num) / fps.den);
  }
  return {
    path: input.path,
    width: stream.codecpar.width,
    height: stream.codecpar.height,
    frameCount,
    frameCountExact,
    fps,
    duration,
    codec: avGetCodecName(stream.codecpar.codecId) ?? 'unknown',
    pixelFormat: avGetPixFmtName(stream.codecpar.format as never) ?? 'unknown',
    colourMatrix: taggedMatrix(stream.codecpar.colorSpace),
    colourRange: taggedRange(stream.codecpar.colorRange),
    hasVideo: true,
    hasAudio: input.hasAudio,
  };
}

async function countPackets(input: VideoInput): Promise<number> {
  let count = 0;
  try {
    for await (const packet of input.demuxer.packets(input.stream.index)) {
      if (!packet) break;
      count++;
      packet.free();
    }
  } catch (error) {
    throw new MediaError('corrupt', input.path, `reading packets failed after ${count}: ${describe(error)}`, {
      cause: error,
    });
  }
  return count;
}
