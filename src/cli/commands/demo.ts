import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { StreamDecoder } from '../../codec/decoder/stream-decoder.js';
import { PsnrMeter } from '../../codec/metrics/index.js';
import { toRgb8 } from '../../codec/render/output.js';
import { readFrames } from '../../media/decode.js';
import { writeSyntheticMp4 } from '../../media/synthetic-mp4.js';
import { decodeLirnToFile, readLirn } from '../../media/transcode.js';
import { parseCommand, parsePositive } from '../args.js';
import { chooseRenderer } from '../engines.js';
import { runEncode } from './encode.js';

export const DEMO_USAGE = `usage: lirn demo [--out DIR] [--iterations N] [--engine auto|native|tfjs]

The whole codec on an embedded default clip (made in code: moving textured shapes, 128x72, 48 frames, 24 fps):
writes it as MP4, encodes it to .lirn (profile S), decodes it back to MP4 at the encoded size, at 2x size and at
2x frame rate, and reports PSNR and bits per pixel. Everything lands in DIR (default ./demo-output).
`;

export async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    argv,
    {
      out: { type: 'string', default: 'demo-output' },
      iterations: { type: 'string', default: '1500' },
      engine: { type: 'string', default: 'auto' },
    },
    DEMO_USAGE,
  );
  const dir = resolve(values.out!);
  await mkdir(dir, { recursive: true });
  const source = join(dir, 'source.mp4');
  const lirn = join(dir, 'demo.lirn');
  await rm(`${lirn}.work`, { recursive: true, force: true });
  const width = 256;
  const height = 144;
  const frames = 96;
  process.stderr.write(`demo: writing the ${width}x${height} ${frames}-frame source clip to ${source}\n`);
  await writeSyntheticMp4({
    path: source,
    width,
    height,
    frames,
    fps: 24,
    seed: 7,
    crf: 10,
    pixelFormat: 'yuv444p',
  });
  const iterations = String(parsePositive(values.iterations, '--iterations', { integer: true }));
  const encoded = await runEncode({
    input: source,
    output: lirn,
    profile: 'S',
    iterations,
    engine: values.engine,
    seed: '0',
    'segment-seconds': '2',
    'chunk-segments': '1',
    'no-scene-cuts': false,
    allocation: 'rd',
    'frame-levels': 'auto',
  });

  const { factory, label } = chooseRenderer('auto');
  const file = await readLirn(lirn);
  const decoder = new StreamDecoder(file, factory);
  const original = await readFrames(source);
  const meter = new PsnrMeter();
  original.frames.forEach((frame, t) => {
    meter.add(toRgb8(decoder.renderFrame(t)), frame);
  });
  const quality = meter.summary();

  const outputs = [
    { name: 'decoded.mp4', size: {}, fps: undefined },
    { name: 'decoded-2x-size.mp4', size: { width: width * 2, height: height * 2 }, fps: undefined },
    { name: 'decoded-2x-fps.mp4', size: {}, fps: { num: 48, den: 1 } },
  ];
  for (const o of outputs) {
    const r = await decodeLirnToFile({
      input: file,
      output: join(dir, o.name),
      ...o.size,
      fps: o.fps,
      renderer: factory,
    });
    process.stderr.write(
      `demo: ${o.name}: ${r.frames} frames ${r.width}x${r.height} @ ${r.fps.num / r.fps.den} fps\n`,
    );
  }
  process.stdout.write(
    [
      '',
      `Latent-INR demo (${dir})`,
      `  source      ${width}x${height}, ${frames} frames (source.mp4)`,
      `  encoded     ${encoded.bytes} bytes = ${encoded.bpp.toFixed(3)} bpp, ${file.chunks.length} chunk model(s), engine ${encoded.engine || 'restored'}`,
      `  quality     ${quality.average.toFixed(2)} dB RGB PSNR (min ${quality.min.toFixed(2)}), decoded with the ${label} renderer`,
      '  outputs     decoded.mp4, decoded-2x-size.mp4 (any-resolution), decoded-2x-fps.mp4 (latent interpolation)',
      `  inspect     npx lirn info ${lirn}`,
      '',
    ].join('\n'),
  );
  return 0;
}
