import type { VideoCodec } from '../../media/encode.js';
import { decodeLirnToFile } from '../../media/transcode.js';
import { parseCommand, parsePositive, parseSize, requireOption, UsageError } from '../args.js';
import { chooseRenderer } from '../engines.js';
import { createProgress } from '../progress.js';

export const DECODE_USAGE = `usage: lirn decode -i INPUT.lirn -o OUTPUT.mp4 [options]

  --size WxH        render at any size (default: the encoded size)
  --fps F           any frame rate; frames between source frames come from interpolated latents
  --codec C         h264 (default), hevc, av1, vp9
  --crf N           output quality (default 18)
  --renderer R      auto (default), native, reference
`;

const CODECS: readonly VideoCodec[] = ['h264', 'hevc', 'av1', 'vp9'];

export const decodeOptions = {
  input: { type: 'string', short: 'i' },
  output: { type: 'string', short: 'o' },
  size: { type: 'string' },
  fps: { type: 'string' },
  codec: { type: 'string', default: 'h264' },
  crf: { type: 'string' },
  renderer: { type: 'string', default: 'auto' },
} as const;

export function fpsRational(text: string): { num: number; den: number } {
  const v = parsePositive(text, '--fps')!;
  return Number.isInteger(v) ? { num: v, den: 1 } : { num: Math.round(v * 1000), den: 1000 };
}

export async function decodeCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, decodeOptions, DECODE_USAGE);
  const input = requireOption(values.input, '-i INPUT', DECODE_USAGE);
  const output = requireOption(values.output, '-o OUTPUT', DECODE_USAGE);
  const codec = values.codec as VideoCodec;
  if (!CODECS.includes(codec))
    throw new UsageError(`--codec must be one of ${CODECS.join(', ')}, got '${values.codec}'`);
  const renderer = values.renderer as 'auto' | 'native' | 'reference';
  if (!['auto', 'native', 'reference'].includes(renderer))
    throw new UsageError(`--renderer must be auto, native or reference`);
  const { factory, label } = chooseRenderer(renderer);
  const size = values.size ? parseSize(values.size) : {};
  let bar: ReturnType<typeof createProgress> | null = null;
  const started = performance.now();
  const result = await decodeLirnToFile({
    input,
    output,
    ...size,
    fps: values.fps ? fpsRational(values.fps) : undefined,
    codec,
    crf: values.crf ? parsePositive(values.crf, '--crf', { integer: true }) : undefined,
    renderer: factory,
    onFrame(done, total) {
      bar ??= createProgress(total, 'decode');
      bar.update(done, { frame: `${done}/${total}` });
    },
  });
  (bar as ReturnType<typeof createProgress> | null)?.stop();
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(
    `${output}: ${result.frames} frames ${result.width}x${result.height} at ${(result.fps.num / result.fps.den).toFixed(3)} fps, ${result.bytes} bytes (${label} renderer, ${(result.frames / seconds).toFixed(1)} frames/s)\n`,
  );
  return 0;
}
