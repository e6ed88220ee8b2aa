/**
 * Speed, always beside peers measured in the same run: our encode wall time (a fixed iteration count, the
 * `lirn encode` default) and decode frames/s next to x264 and x265 medium on the same clip, and training throughput
 * (pixel samples per second) of every training engine that loads here on the same model and clip.
 */

import { chooseTrainEngine } from '../../src/cli/engines.js';
import { referenceRendererFactory } from '../../src/codec/decoder/stream-decoder.js';
import { DEFAULT_BATCH_SAMPLES, DEFAULT_FRAMES_PER_BATCH } from '../../src/codec/train/trainer.js';
import { decodeOurs, encodeOurs, oursConfig } from '../lib/ours.js';
import { PEERS, type RdPoint, runPeer } from '../lib/peers.js';
import type { Headline, SuiteResult, Table } from '../lib/results.js';
import { finishRun } from '../lib/run-info.js';
import { measureStepRate } from '../lib/step-rate.js';
import type { SuiteClip } from '../lib/suite-clips.js';
import { type SuiteContext, score } from './context.js';

export interface EngineThroughput {
  engine: string;
  ok: boolean;
  reason?: string;
  stepMs?: number;
  samplesPerSecond?: number;
}

export async function runSpeed(
  ctx: SuiteContext,
  sc: SuiteClip,
  encodeIterations: number,
  engineNames: readonly string[] = ['native', 'tfjs'],
): Promise<{ result: SuiteResult; svgs: Record<string, string> }> {
  const run = ctx.runInfo();
  const { clip } = sc;
  const profile = ctx.profiles.includes('M') ? 'M' : ctx.profiles[0];
  const config = oursConfig(profile, clip);
  const seconds = clip.frames.length / (clip.fps.num / clip.fps.den);

  const enc = await encodeOurs(clip, {
    profile,
    iterations: encodeIterations,
    engine: ctx.engine,
    renderer: ctx.renderer.factory,
    seed: ctx.seed,
    log: (l) => ctx.log(l),
  });
  const decoded = decodeOurs(enc.bytes, ctx.renderer.factory);
  const quality = await score(clip.frames, decoded.frames, clip.width, clip.height);
  const referenceFrames = Math.min(3, clip.frames.length);
  const refDecode = decodeOurs(enc.bytes, referenceRendererFactory, {
    times: Array.from({ length: referenceFrames }, (_, i) => i),
  });
  const rows: Array<{ codec: string; encodeSeconds: number; decodeFps: number; bpp: number; psnr: number }> =
    [
      {
        codec: `ours ${profile}, ${encodeIterations} iterations`,
        encodeSeconds: enc.encodeSeconds,
        decodeFps: clip.frames.length / decoded.seconds,
        bpp: enc.bpp,
        psnr: quality.psnr,
      },
    ];
  ctx.log(
    `${sc.name} speed: ours ${enc.encodeSeconds.toFixed(1)} s encode, ${rows[0].decodeFps.toFixed(1)} fps decode (${ctx.renderer.label})`,
  );
  const peers: RdPoint[] = [];
  if (ctx.peers) {
    for (const peer of [PEERS.x264, PEERS.x265]) peers.push(...(await runPeer(clip, peer, [{ crf: 28 }])));
    for (const p of peers)
      rows.push({
        codec: `${p.peer} crf 28`,
        encodeSeconds: p.encodeSeconds,
        decodeFps: p.decodeFps,
        bpp: p.bpp,
        psnr: p.psnr,
      });
  }

  const engines: EngineThroughput[] = [];
  for (const name of engineNames) {
    try {
      const factory = await chooseTrainEngine(name, config);
      const rate = await measureStepRate(
        clip,
        config,
        factory,
        name === 'tfjs' ? { steps: 3, warmup: 1 } : { steps: ctx.quick ? 6 : 20 },
      );
      engines.push({
        engine: rate.engine,
        ok: true,
        stepMs: rate.stepSeconds * 1000,
        samplesPerSecond: rate.samplesPerStep / rate.stepSeconds,
      });
      ctx.log(`${sc.name} speed: ${rate.engine} ${(rate.stepSeconds * 1000).toFixed(1)} ms/step`);
    } catch (e) {
      engines.push({ engine: name, ok: false, reason: (e as Error).message });
    }
  }

  const headline: Headline[] = [];
  const x264 = peers.find((p) => p.peer === PEERS.x264.name);
  if (x264) {
    headline.push({
      label: `encode wall time, ours (${encodeIterations} iterations) over x264 medium`,
      value: enc.encodeSeconds / x264.encodeSeconds,
      unit: '×',
      detail: `${enc.encodeSeconds.toFixed(1)} s vs ${x264.encodeSeconds.toFixed(2)} s for ${clip.frames.length} frames`,
    });
    headline.push({
      label: 'decode frames/s, ours over x264 medium',
      value: rows[0].decodeFps / x264.decodeFps,
      unit: '×',
      detail: `${rows[0].decodeFps.toFixed(1)} vs ${x264.decodeFps.toFixed(1)} frames/s at ${clip.width}×${clip.height}, to RGB`,
    });
  }
  const native = engines.find((e) => e.ok && e.engine.startsWith('native'));
  const tfjs = engines.find((e) => e.ok && e.engine.startsWith('tfjs'));
  if (native && tfjs) {
    headline.push({
      label: 'training throughput, native engine over tfjs',
      value: native.samplesPerSecond! / tfjs.samplesPerSecond!,
      unit: '×',
      detail: `${fmtRate(native.samplesPerSecond!)} vs ${fmtRate(tfjs.samplesPerSecond!)} pixel samples/s (profile ${profile})`,
    });
  }
  const tables: Table[] = [
    {
      title: `Encode and decode on ${sc.name} (${clip.frames.length} frames, ${seconds.toFixed(1)} s of video)`,
      columns: ['codec', 'encode s', '× realtime', 'decode frames/s', 'bpp', 'PSNR dB'],
      digits: [0, 2, 2, 1, 4, 2],
      rows: rows.map((r) => [
        r.codec,
        r.encodeSeconds,
        seconds / r.encodeSeconds,
        r.decodeFps,
        r.bpp,
        r.psnr,
      ]),
      note: `Our decode: ${ctx.renderer.label} renderer, from the file's bytes to 8-bit RGB; the TypeScript reference renderer does ${(referenceFrames / refDecode.seconds).toFixed(2)} frames/s. Peers: node-av encode from RGB frames, decode to RGB (all threads).`,
    },
    {
      title: `Training throughput per engine (profile ${profile}, ${clip.width}×${clip.height}, the trainer's default batch of ${DEFAULT_BATCH_SAMPLES} samples over up to ${DEFAULT_FRAMES_PER_BATCH} frames)`,
      columns: ['engine', 'ms/step', 'pixel samples/s', 'note'],
      digits: [0, 1, 0, 0],
      rows: engines.map((e) => [
        e.engine,
        e.stepMs ?? null,
        e.samplesPerSecond ?? null,
        e.ok ? '' : `unavailable: ${e.reason}`,
      ]),
    },
  ];
  return {
    result: {
      suite: 'speed',
      clip: sc.name,
      clipDescription: sc.description,
      run: finishRun(run),
      settings: { profile, 'encode iterations': encodeIterations, seed: ctx.seed },
      headline,
      tables,
      plots: [],
      data: {
        profile,
        encodeIterations,
        rows,
        peers,
        engines,
        referenceRendererFps: referenceFrames / refDecode.seconds,
      },
    },
    svgs: {},
  };
}

function fmtRate(v: number): string {
  return v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : `${(v / 1e3).toFixed(1)} k`;
}
