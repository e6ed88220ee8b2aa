/**
 * Any-resolution decoding: the model trained at W×H renders directly at 2W×2H and at W/2×H/2. At 2× it is scored
 * against the original source scaled to 2× (where the source has that many pixels) beside lanczos upscaling of our
 * 1× decode; at ½× against the source at ½× beside decode-then-downscale (lanczos). Times the paths too.
 */
import { decodeOurs, encodeOurs } from '../lib/ours.js';
import { resizeFrames } from '../lib/peer-filters.js';
import type { Headline, SuiteResult, Table } from '../lib/results.js';
import { finishRun } from '../lib/run-info.js';
import type { SuiteClip } from '../lib/suite-clips.js';
import { type SuiteContext, score, scoreSummary, trainingBudget } from './context.js';

interface PathScore {
  method: string;
  psnr: number;
  ssim: number;
  /** Frames per second of the whole path (decode, and resize where there is one). */
  fps: number | null;
}

export interface ScaleResult {
  scale: number;
  width: number;
  height: number;
  /** Null when the source has no such size (then the paths are compared with each other only). */
  reference: string | null;
  paths: PathScore[];
  /** PSNR between the direct render and the resized decode (how different the two paths are). */
  pathsAgreementPsnr: number;
}

export async function runAnyres(
  ctx: SuiteContext,
  sc: SuiteClip,
): Promise<{ result: SuiteResult; svgs: Record<string, string> }> {
  const run = ctx.runInfo();
  const { clip } = sc;
  const { width: W, height: H } = clip;
  const profile = ctx.profiles.includes('M') ? 'M' : ctx.profiles[0];
  const budget = trainingBudget(ctx, ctx.auxMinutes);
  const enc = await encodeOurs(clip, {
    profile,
    ...budget,
    engine: ctx.engine,
    renderer: ctx.renderer.factory,
    seed: ctx.seed,
    log: (l) => ctx.log(l),
  });
  const stride = Math.max(1, Math.floor(clip.frames.length / 30));
  const indices = clip.frames.map((_, i) => i).filter((i) => i % stride === 0);
  const at1x = decodeOurs(enc.bytes, ctx.renderer.factory, { times: indices });
  const fps = (seconds: number) => indices.length / seconds;
  const source1x = indices.map((i) => clip.frames[i]);
  const base = scoreSummary(await score(source1x, at1x.frames, W, H));
  const scales: ScaleResult[] = [];

  for (const scale of [2, 0.5]) {
    const w = Math.max(1, Math.round(W * scale));
    const h = Math.max(1, Math.round(H * scale));
    const reference = await sc.atSize(w, h, indices);
    const direct = decodeOurs(enc.bytes, ctx.renderer.factory, { times: indices, width: w, height: h });
    let started = performance.now();
    const resized = await resizeFrames(at1x.frames, W, H, w, h, 'lanczos');
    const resizeSeconds = (performance.now() - started) / 1000;
    const agreement = await score(direct.frames, resized, w, h);
    const paths: PathScore[] = [];
    const directName = `ours rendered at ${w}×${h}`;
    const resizedName = `ours at ${W}×${H}, lanczos to ${w}×${h}`;
    if (reference) {
      const d = await score(reference, direct.frames, w, h);
      const r = await score(reference, resized, w, h);
      paths.push({ method: directName, psnr: d.psnr, ssim: d.ssim, fps: fps(direct.seconds) });
      paths.push({ method: resizedName, psnr: r.psnr, ssim: r.ssim, fps: fps(at1x.seconds + resizeSeconds) });
      if (ctx.peers) {
        started = performance.now();
        const sourceResized = await resizeFrames(source1x, W, H, w, h, 'lanczos');
        const s = await score(reference, sourceResized, w, h);
        paths.push({
          method: `source at ${W}×${H}, lanczos to ${w}×${h} (no coding loss)`,
          psnr: s.psnr,
          ssim: s.ssim,
          fps: null,
        });
      }
    } else {
      paths.push({ method: directName, psnr: Number.NaN, ssim: Number.NaN, fps: fps(direct.seconds) });
      paths.push({
        method: resizedName,
        psnr: Number.NaN,
        ssim: Number.NaN,
        fps: fps(at1x.seconds + resizeSeconds),
      });
    }
    scales.push({
      scale,
      width: w,
      height: h,
      reference: reference ? `the source at ${w}×${h} (${sc.atSizeMethod})` : null,
      paths,
      pathsAgreementPsnr: agreement.psnr,
    });
    ctx.log(
      `${sc.name} ${scale}×: ${paths.map((p) => `${p.method} ${Number.isFinite(p.psnr) ? p.psnr.toFixed(2) : '—'} dB`).join('; ')}`,
    );
  }

  const headline: Headline[] = [];
  for (const s of scales) {
    const [direct, resized] = s.paths;
    headline.push({
      label: `${s.scale === 0.5 ? '½' : s.scale}× decode: direct render minus ${s.scale > 1 ? 'lanczos upscale' : 'lanczos downscale'} of the 1× decode`,
      value: s.reference ? direct.psnr - resized.psnr : null,
      unit: 'dB',
      detail: s.reference
        ? `${direct.psnr.toFixed(2)} vs ${resized.psnr.toFixed(2)} dB against ${s.reference}`
        : `the source has no ${s.width}×${s.height} version`,
    });
  }
  const half = scales.find((s) => s.scale === 0.5);
  if (half?.paths[0].fps && half.paths[1].fps) {
    headline.push({
      label: '½× decode speed: direct render over decode-then-downscale',
      value: half.paths[0].fps / half.paths[1].fps,
      unit: '×',
      detail: `${half.paths[0].fps.toFixed(1)} vs ${half.paths[1].fps.toFixed(1)} frames/s`,
    });
  }
  const tables: Table[] = scales.map((s) => ({
    title: `${s.scale === 0.5 ? '½' : s.scale}× (${s.width}×${s.height}) against ${s.reference ?? 'no reference (the source is smaller)'}`,
    columns: ['path', 'PSNR dB', 'SSIM', 'frames/s'],
    digits: [0, 2, 4, 1],
    rows: s.paths.map((p) => [p.method, p.psnr, p.ssim, p.fps]),
    note: `The two decode paths differ from each other by ${s.pathsAgreementPsnr.toFixed(2)} dB PSNR.`,
  }));
  tables.unshift({
    title: `Model (profile ${profile}) at its trained size ${W}×${H}`,
    columns: ['frames scored', 'iterations', 'bpp', 'PSNR dB', 'SSIM', 'frames/s'],
    digits: [0, 0, 4, 2, 4, 1],
    rows: [[indices.length, enc.iterations, enc.bpp, base.psnr, base.ssim, fps(at1x.seconds)]],
  });
  return {
    result: {
      suite: 'anyres',
      clip: sc.name,
      clipDescription: sc.description,
      run: finishRun(run),
      settings: {
        profile,
        'minutes per model': ctx.iterations === undefined ? ctx.auxMinutes : null,
        'fixed iterations': ctx.iterations ?? null,
        'frames scored': stride === 1 ? `all ${indices.length}` : `every ${stride}th (${indices.length})`,
        seed: ctx.seed,
      },
      headline,
      tables,
      plots: [],
      data: { profile, iterations: enc.iterations, bpp: enc.bpp, indices, base, scales },
    },
    svgs: {},
  };
}
