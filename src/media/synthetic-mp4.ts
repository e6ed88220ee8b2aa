/** Writing a synthetic clip (synthetic.ts) to an MP4 through encodeVideo, for tests that need a real file. */
import { type EncodeOptions, type EncodeResult, encodeVideo } from './encode.js';
import { type SyntheticOptions, syntheticScene } from './synthetic.js';

export type SyntheticMp4Options = SyntheticOptions &
  Partial<Omit<EncodeOptions, 'path' | 'width' | 'height'>> & { path: string };

/** Encodes the clip frame by frame (nothing held in memory); defaults: 24 fps, H.264 crf 18 preset fast, yuv420p. */
export async function writeSyntheticMp4(options: SyntheticMp4Options): Promise<EncodeResult> {
  const scene = syntheticScene(options);
  function* frames(): Generator<Uint8Array> {
    for (let t = 0; t < options.frames; t++) yield scene.render(t);
  }
  return encodeVideo(frames(), {
    path: options.path,
    width: options.width,
    height: options.height,
    fps: options.fps ?? 24,
    codec: options.codec ?? 'h264',
    crf: options.bitrate === undefined ? (options.crf ?? 18) : undefined,
    bitrate: options.bitrate,
    preset: options.preset ?? (options.codec === undefined || options.codec === 'h264' ? 'fast' : undefined),
    pixelFormat: options.pixelFormat ?? 'yuv420p',
    gopSize: options.gopSize,
    threads: options.threads,
  });
}
