/**
 * Frame interpolation: train on every α-th frame only (α = 2, 4, 8); held-out frames decode from latents
 * interpolated between the trained ones. Beside FFmpeg's minterpolate (motion-compensated `mci`, and `blend`)
 * rebuilding the same frames from the same kept source frames. Scores count held-out frames only.
 */
import { trainedFrameIndices } from '../../src/codec/train/heldout.js';
import { readLirnFile } from '../../src/container/index.js';
import { decodeOurs, encodeOurs } from '../lib/ours.js';
import { minterpolateHeldOut } from '../lib/peer-filters.js';
import type { Headline, SuiteResult, Table } from '../lib/results.js';
import { finishRun } from '../lib/run-info.js';
import type { SuiteClip } from '../lib/suite-clips.js';
import { lineChart, type PlotSeries } from '../lib/svg-plot.js';
import { type SuiteContext, score, scoreSummary, trainingBudget } from './context.js';

export const DEFAULT_ALPHAS = [2, 4, 8];

interface MethodScore {
  psnr: number;
  psnrOfMeanMse: number;
  ssim: number;
}

export interface InterpRow {
  alpha: number;
  /** Frames scored: held out by our encoder and rebuilt by minterpolate (inside the last kept frame). */
  scoredFrames: number;
  iterations: number;
  encodeSeconds: number;
  bpp: number;
  ours: MethodScore;
  oursKept: MethodScore;
  mci: MethodScore | null;
  blend: MethodScore | null;
  /** minterpolate mci from our decoded kept frames: motion compensation on the same coded pictures. */
  mciOnOurs: MethodScore | null;
}

export async function runInterp(
  ctx: SuiteContext,
  sc: SuiteClip,
  alphas: readonly number[] = DEFAULT_ALPHAS,
): Promise<{ result: SuiteResult; svgs: Record<string, string> }> {
  const run = ctx.runInfo();
  const { clip } = sc;
  const profile = ctx.profiles.includes('M') ? 'M' : ctx.profiles[0];
  const rows: InterpRow[] = [];
  // Every α trains for the same wall time.
  const budget = trainingBudget(ctx, ctx.auxMinutes);
  for (const alpha of alphas) {
    if (Math.floor((clip.frames.length - 1) / alpha) < 1) {
      ctx.log(`${sc.name}: α ${alpha} leaves fewer than two kept frames; skipped`);
      continue;
    }
    const enc = await encodeOurs(clip, {
      profile,
      ...budget,
      engine: ctx.engine,
      renderer: ctx.renderer.factory,
      holdOut: alpha,
      seed: ctx.seed,
      log: (l) => ctx.log(l),
    });
    const trained = new Set<number>();
    for (const c of readLirnFile(enc.bytes).chunks) {
      for (const k of trainedFrameIndices(c.frameCount, alpha)) trained.add(c.firstFrame + k);
    }
    const decoded = decodeOurs(enc.bytes, ctx.renderer.factory);
    let heldOut = clip.frames.map((_, i) => i).filter((i) => !trained.has(i));
    let mci: MethodScore | null = null;
    let blend: MethodScore | null = null;
    let mciOnOurs: MethodScore | null = null;
    if (ctx.peers) {
      const m = await minterpolateHeldOut(clip.frames, clip.width, clip.height, clip.fps, alpha, 'mci');
      const b = await minterpolateHeldOut(clip.frames, clip.width, clip.height, clip.fps, alpha, 'blend');
      // minterpolate reads only the kept frames (every α-th) of what it is given.
      const o = await minterpolateHeldOut(decoded.frames, clip.width, clip.height, clip.fps, alpha, 'mci');
      const theirs = new Set(m.heldOut);
      heldOut = heldOut.filter((i) => theirs.has(i));
      const pick = (frames: Uint8Array[]) => heldOut.map((i) => frames[i]);
      const reference = pick(clip.frames);
      mci = scoreSummary(await score(reference, pick(m.frames), clip.width, clip.height));
      blend = scoreSummary(await score(reference, pick(b.frames), clip.width, clip.height));
      mciOnOurs = scoreSummary(await score(reference, pick(o.frames), clip.width, clip.height));
    }
    if (!heldOut.length) throw new Error(`${sc.name}: α ${alpha} leaves no frame to score`);
    const pick = (frames: Uint8Array[], idx: number[]) => idx.map((i) => frames[i]);
    const keptIdx = [...trained].sort((a, b) => a - b);
    const row: InterpRow = {
      alpha,
      scoredFrames: heldOut.length,
      iterations: enc.iterations,
      encodeSeconds: enc.encodeSeconds,
      bpp: enc.bpp,
      ours: scoreSummary(
        await score(pick(clip.frames, heldOut), pick(decoded.frames, heldOut), clip.width, clip.height),
      ),
      oursKept: scoreSummary(
        await score(pick(clip.frames, keptIdx), pick(decoded.frames, keptIdx), clip.width, clip.height),
      ),
      mci,
      blend,
      mciOnOurs,
    };
    rows.push(row);
    ctx.log(
      `${sc.name} α ${alpha}: ours ${row.ours.psnr.toFixed(2)} dB on ${row.scoredFrames} held-out frames` +
        (mci && blend && mciOnOurs
          ? `, mci ${mci.psnr.toFixed(2)}, blend ${blend.psnr.toFixed(2)}, mci on our frames ${mciOnOurs.psnr.toFixed(2)}`
          : ''),
    );
  }
  const headline: Headline[] = [];
  for (const r of rows) {
    headline.push({
      label: `held-out PSNR of ours (${profile}) minus minterpolate mci on the source, α = ${r.alpha}`,
      value: r.mci ? r.ours.psnr - r.mci.psnr : null,
      unit: 'dB',
      detail: r.mci
        ? `${r.ours.psnr.toFixed(2)} vs ${r.mci.psnr.toFixed(2)} dB (blend ${r.blend!.psnr.toFixed(2)}) on ${r.scoredFrames} frames`
        : 'peers not run',
    });
    headline.push({
      label: `held-out PSNR of ours (${profile}) minus mci on our own decoded kept frames, α = ${r.alpha}`,
      value: r.mciOnOurs ? r.ours.psnr - r.mciOnOurs.psnr : null,
      unit: 'dB',
      detail: r.mciOnOurs
        ? `${r.ours.psnr.toFixed(2)} vs ${r.mciOnOurs.psnr.toFixed(2)} dB; ours on its trained frames ${r.oursKept.psnr.toFixed(2)} dB`
        : 'peers not run',
    });
  }
  const table: Table = {
    title: `Held-out frames: ours (profile ${profile}, trained on every α-th frame) vs minterpolate from the same kept frames`,
    columns: [
      'α',
      'frames scored',
      'iterations',
      'encode s',
      'bpp',
      'ours PSNR',
      'ours SSIM',
      'mci PSNR',
      'mci SSIM',
      'blend PSNR',
      'blend SSIM',
      'mci on ours PSNR',
      'ours on kept frames',
    ],
    digits: [0, 0, 0, 1, 4, 2, 4, 2, 4, 2, 4, 2, 2],
    rows: rows.map((r) => [
      r.alpha,
      r.scoredFrames,
      r.iterations,
      r.encodeSeconds,
      r.bpp,
      r.ours.psnr,
      r.ours.ssim,
      r.mci?.psnr ?? null,
      r.mci?.ssim ?? null,
      r.blend?.psnr ?? null,
      r.blend?.ssim ?? null,
      r.mciOnOurs?.psnr ?? null,
      r.oursKept.psnr,
    ]),
    note:
      'mci/blend rebuild the held-out frames from the uncompressed kept source frames (no rate: an upper reference); ' +
      '"mci on ours" runs mci on our decoded kept frames, so it differs from ours only in how frames are interpolated. ' +
      'Our bpp counts the whole file, which stores a latent for every frame (held-out rows interpolated).',
  };
  const series: PlotSeries[] = [
    {
      label: `ours ${profile} (interpolated latents)`,
      points: rows.map((r) => [r.alpha, r.ours.psnr] as [number, number]),
    },
  ];
  const peerSeries = (label: string, get: (r: InterpRow) => MethodScore | null) => {
    const pts = rows.filter((r) => get(r)).map((r) => [r.alpha, get(r)!.psnr] as [number, number]);
    if (pts.length) series.push({ label, points: pts });
  };
  peerSeries('minterpolate mci (uncompressed kept frames)', (r) => r.mci);
  peerSeries('minterpolate blend (uncompressed kept frames)', (r) => r.blend);
  peerSeries(`minterpolate mci on our decoded kept frames`, (r) => r.mciOnOurs);
  series.push({
    label: `ours ${profile} on its trained frames`,
    points: rows.map((r) => [r.alpha, r.oursKept.psnr] as [number, number]),
    dashed: true,
  });
  const svg = lineChart({
    title: `${sc.name}: held-out frame PSNR vs hold-out stride α`,
    xLabel: 'α (one frame in α trained / kept)',
    yLabel: 'RGB PSNR (dB), held-out frames',
    xTicks: rows.map((r) => r.alpha),
    series,
  });
  return {
    result: {
      suite: 'interp',
      clip: sc.name,
      clipDescription: sc.description,
      run: finishRun(run),
      settings: {
        profile,
        'minutes per model': ctx.iterations === undefined ? ctx.auxMinutes : null,
        'fixed iterations': ctx.iterations ?? null,
        alphas: alphas.join(','),
        seed: ctx.seed,
      },
      headline,
      tables: [table],
      plots: [],
      data: { profile, rows },
    },
    svgs: { [`interp-${sc.name}.svg`]: svg },
  };
}
