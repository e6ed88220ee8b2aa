/** Typed errors for media in and out, in the same shape as ContainerError: a type, a details code, fatal, where. */

export type MediaErrorDetails =
  | 'not-found' // the input file does not exist or cannot be opened for reading
  | 'not-media' // FFmpeg cannot recognise the file as any container (text, random bytes, truncated header)
  | 'no-video' // the file is a media file but has no video stream (audio-only, data-only)
  | 'empty-video' // the video stream holds no decodable frame
  | 'corrupt' // demuxing or decoding failed part-way (damaged or truncated data)
  | 'bad-option' // a caller-supplied option is out of range (size, crop, fps, count, codec settings)
  | 'bad-frame' // a frame handed to the encoder has the wrong byte length
  | 'unsupported' // a codec, encoder or pixel format this build cannot handle
  | 'encode-failed' // the encoder or muxer reported an error
  | 'io'; // writing or renaming the output failed

export class MediaError extends Error {
  readonly type = 'media';
  readonly fatal = true;
  constructor(
    readonly details: MediaErrorDetails,
    /** The file being read or written ('' when the problem is not tied to a file). */
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(path ? `${path}: ${message}` : message, options);
    this.name = 'MediaError';
  }
}

export function isMediaError(error: unknown): error is MediaError {
  return error instanceof MediaError;
}

/** Largest width or height we accept in or out: beyond it a single RGB frame no longer fits sensible memory. */
export const MAX_DIMENSION = 8192;

export function checkDimension(name: string, value: number, path: string): void {
  if (!Number.isInteger(value) || value < 1 || value > MAX_DIMENSION) {
    throw new MediaError(
      'bad-option',
      path,
      `${name} must be an integer in 1..${MAX_DIMENSION}, got ${value}`,
    );
  }
}
