/**
 * Rate-distortion: our profiles, each trained for the same wall time and packed at several bit depths (one
 * training, re-packed), beside x264, x265 (4:2:0 and 4:4:4) and SVT-AV1 at several CRFs, all scored with FFmpeg's
 * psnr/ssim on RGB against the same frames, bpp counting whole files. BD-rate/BD-PSNR against x265 4:4:4 (the
 * peer that, like us, keeps full-resolution colour) and PSNR/SSIM-vs-bpp plots.
 */
import type { ProfileName } from '../../src/codec/model/config.js';
import { memoryStore, QUANT_AWARE_MAX_BITS } from '../../src/codec/segmenter/encode.js';
import { DEFAULT_GROUP_RATES, scaleRates } from '../../src/codec/train/rates.js';
import { bdPsnr, bdRate, Pchip, paretoFront, type RdSample } from '../lib/bdrate.js';
import { decodeOurs, encodeOurs, type OursEncoding } from '../lib/ours.js';
import { PEERS, type PeerCodec, type RateSetting, type RdPoint, runPeer } from '../lib/peers.js';
import type { Headline, SuiteResult, Table } from '../lib/results.js';
import { finishRun } from '../lib/run-info.js';
import type { SuiteClip } from '../lib/suite-clips.js';
import { lineChart, type PlotSeries } from '../lib/svg-plot.js';
import { type SuiteContext, score, trainingBudget } from './context.js';

export interface OurRdPoint {
  codec: string;
  profile: ProfileName;
  bits: number;
  iterations: number;
  encodeSeconds: number;
  stepMs: number | null;
  parameters: number;
  chunks: number;
  bytes: number;
  bpp: number;
  psnr: number;
  psnrOfMeanMse: number;
  ssim: number;
  decodeFps: number;
  breakdown: Record<string, number>;
}

export interface RdData {
  ours: OurRdPoint[];
  peers: RdPoint[];
  bd: Array<{
    test: string;
    bdRate: number | null;
    bdPsnr: number | null;
    overlapDb: [number, number] | null;
    reason?: string;
  }>;
}

const ANCHOR = PEERS.x265_444.name;

/**
 * Learning rates of a straight-through fine-tune of a finished plain training (`tuneBits`): 0.3× the defaults.
 * Measured on profile S, 3 minutes of plain training then 0.9 minutes tuned at 5 bits (RESULTS.md
 * explore-session11): at 0.1× bunny 26.69 → 26.83 dB and vtest 29.85 → 30.34 dB at the same bytes, at 0.3× bunny
 * 26.64 → 26.86 dB.
 */
export const TUNE_RATES = scaleRates(DEFAULT_GROUP_RATES, 0.3);
/** Share of the plain training's time each `tuneBits` depth fine-tunes for. */
export const TUNE_SHARE = 0.3;

export function peerPlan(
  quick: boolean,
): Array<{ key: keyof typeof PEERS; peer: PeerCodec; settings: RateSetting[] }> {
  const crfs = (list: number[]) => list.map((crf) => ({ crf }));
  if (quick) {
    return [
      { key: 'x264', peer: PEERS.x264, settings: crfs([45, 35]) },
      { key: 'x265_444', peer: PEERS.x265_444, settings: crfs([45, 35]) },
    ];
  }
  // High CRFs reach down to our quality range (≈ 22–27 dB on bunny 360p), lower ones show the peers' curves.
  return [
    { key: 'x264', peer: PEERS.x264, settings: crfs([51, 45, 40, 35, 30, 25]) },
    { key: 'x265', peer: PEERS.x265, settings: crfs([51, 45, 40, 35, 30, 25]) },
    { key: 'x265_444', peer: PEERS.x265_444, settings: crfs([51, 45, 40, 35, 30, 25]) },
    { key: 'svtav1', peer: PEERS.svtav1, settings: crfs([63, 58, 53, 47, 41]) },
  ];
}

export async function runRd(
  ctx: SuiteContext,
  sc: SuiteClip,
): Promise<{ result: SuiteResult; svgs: Record<string, string> }> {
  const run = ctx.runInfo();
  const { clip } = sc;
  const ours: OurRdPoint[] = [];
  for (const profile of ctx.profiles) {
    // Depths above QUANT_AWARE_MAX_BITS re-pack one plain training; lower ones train on their own with their
    // tables straight-through quantized at that depth (the encoder's default there). Depths in `tuneBits` instead
    // fine-tune the plain training straight-through for TUNE_SHARE of its time each, the profile's budget split
    // between them. Each training runs on the clock (TrainOptions.timeBudgetMs): its schedule ends on time however
    // the machine's speed drifts, and its iterations are what the budget gave.
    const tunedBits = ctx.bits.filter((b) => ctx.tuneBits?.includes(b));
    const ownBits = ctx.bits.filter((b) => b <= QUANT_AWARE_MAX_BITS && !tunedBits.includes(b));
    const plainBits = ctx.bits.filter((b) => b > QUANT_AWARE_MAX_BITS && !tunedBits.includes(b));
    const plainMinutes = ctx.minutes / (1 + TUNE_SHARE * tunedBits.length);
    // Tuned depths start from the plain training, which runs first even when no plain depth is asked for (at 8
    // bits, not scored then).
    const unscoredPlain = tunedBits.length > 0 && !plainBits.length;
    const order = [...(unscoredPlain ? [8] : plainBits), ...tunedBits, ...ownBits];
    const stores = new Map<number | 'plain', ReturnType<typeof memoryStore>>();
    const encodeSeconds = new Map<number | 'plain', number>();
    let plain: OursEncoding | null = null;
    for (const [i, bits] of order.entries()) {
      const fromPlain = tunedBits.includes(bits);
      const own = ownBits.includes(bits);
      const key = fromPlain || own ? bits : 'plain';
      if (!stores.has(key)) stores.set(key, memoryStore());
      const minutes = fromPlain ? plainMinutes * TUNE_SHARE : own ? ctx.minutes : plainMinutes;
      const budget = trainingBudget(ctx, minutes);
      if (fromPlain && !plain) throw new Error('rd: the plain training must run before a tuned depth');
      const enc = await encodeOurs(clip, {
        profile,
        ...budget,
        engine: ctx.engine,
        renderer: ctx.renderer.factory,
        bits,
        seed: ctx.seed,
        store: stores.get(key)!,
        ...(fromPlain ? { startFrom: plain!.params, rates: TUNE_RATES, quantAware: 1 } : {}),
        // Re-packs find the first training's choice in its store; a tuning starts from its weights.
        ...(fromPlain ? { frameLevels: plain!.frameLevels ? 'on' : 'off' } : {}),
        log: (l) => ctx.log(l),
      });
      if (!fromPlain && !own) plain = enc;
      if (enc.iterationsRun > 0)
        encodeSeconds.set(key, enc.encodeSeconds + (fromPlain ? (encodeSeconds.get('plain') ?? 0) : 0));
      if (i === 0 && unscoredPlain) continue;
      const decoded = decodeOurs(enc.bytes, ctx.renderer.factory);
      const s = await score(clip.frames, decoded.frames, clip.width, clip.height);
      const point: OurRdPoint = {
        codec: `ours ${profile} ${bits}-bit${fromPlain ? ' tuned' : ''}`,
        profile,
        bits,
        iterations: enc.iterations,
        encodeSeconds: encodeSeconds.get(key) ?? 0,
        stepMs: budget.timeBudgetMs === undefined ? null : budget.timeBudgetMs / enc.totalIterations,
        parameters: enc.parameters,
        chunks: enc.chunks,
        bytes: enc.bytes.length,
        bpp: enc.bpp,
        psnr: s.psnr,
        psnrOfMeanMse: s.psnrOfMeanMse,
        ssim: s.ssim,
        decodeFps: clip.frames.length / decoded.seconds,
        breakdown: { ...enc.breakdown },
      };
      ours.push(point);
      ctx.log(
        `${sc.name} ${point.codec}: ${point.bpp.toFixed(4)} bpp, ${point.psnr.toFixed(2)} dB, SSIM ${point.ssim.toFixed(4)}`,
      );
    }
  }
  const peers: RdPoint[] = [];
  if (ctx.peers) {
    for (const { peer, settings } of peerPlan(ctx.quick)) {
      peers.push(
        ...(await runPeer(clip, peer, settings, {
          onPoint: (p) =>
            ctx.log(
              `${sc.name} ${p.peer} ${JSON.stringify(p.setting)}: ${p.bpp.toFixed(4)} bpp, ${p.psnr.toFixed(2)} dB`,
            ),
        })),
      );
    }
  }
  const data: RdData = { ours, peers, bd: bdTable(ours, peers) };
  return {
    result: {
      suite: 'rd',
      clip: sc.name,
      clipDescription: sc.description,
      run: finishRun(run),
      settings: {
        'minutes per training': ctx.iterations === undefined ? ctx.minutes : null,
        'fixed iterations': ctx.iterations ?? null,
        profiles: ctx.profiles.join(','),
        bits: ctx.bits.join(','),
        seed: ctx.seed,
        anchor: ANCHOR,
      },
      headline: rdHeadline(data),
      tables: rdTables(data),
      plots: [],
      data,
    },
    svgs: rdPlots(sc, data),
  };
}

const sample = (p: { bpp: number; psnr: number }): RdSample => ({ rate: p.bpp, quality: p.psnr });

function curves(data: Pick<RdData, 'ours' | 'peers'>): Map<string, RdSample[]> {
  const out = new Map<string, RdSample[]>();
  for (const p of data.peers) out.set(p.peer, [...(out.get(p.peer) ?? []), sample(p)]);
  const profiles = [...new Set(data.ours.map((p) => p.profile))];
  for (const profile of profiles) {
    out.set(`ours ${profile} (bit depths)`, data.ours.filter((p) => p.profile === profile).map(sample));
  }
  if (data.ours.length) out.set('ours (best of all points)', paretoFront(data.ours.map(sample)));
  return out;
}

export function bdTable(ours: OurRdPoint[], peers: RdPoint[]): RdData['bd'] {
  const all = curves({ ours, peers });
  const anchor = all.get(ANCHOR);
  if (!anchor) return [];
  const out: RdData['bd'] = [];
  for (const [name, pts] of all) {
    if (name === ANCHOR) continue;
    const r = bdRate(anchor, pts);
    const q = bdPsnr(anchor, pts);
    out.push({
      test: name,
      bdRate: r.value,
      bdPsnr: q.value,
      overlapDb: r.overlap,
      reason: r.reason ?? q.reason,
    });
  }
  return out;
}

/** The anchor's PSNR at a given bpp (PCHIP on log rate), when the bpp lies inside the anchor's points. */
function anchorPsnrAt(data: RdData, bpp: number): number | null {
  const pts = data.peers.filter((p) => p.peer === ANCHOR).sort((a, b) => a.bpp - b.bpp);
  if (pts.length < 2) return null;
  const f = new Pchip(
    pts.map((p) => Math.log10(p.bpp)),
    pts.map((p) => p.psnr),
  );
  const x = Math.log10(bpp);
  return x >= f.domain[0] && x <= f.domain[1] ? f.at(x) : null;
}

function rdHeadline(data: RdData): Headline[] {
  const out: Headline[] = [];
  const best = data.bd.find((b) => b.test === 'ours (best of all points)');
  if (best) {
    out.push({
      label: `BD-rate of ours (best of all points) against ${ANCHOR}`,
      value: best.bdRate,
      unit: '%',
      detail:
        best.bdRate === null
          ? (best.reason ?? '')
          : `PCHIP over ${best.overlapDb!.map((v) => v.toFixed(2)).join('–')} dB; negative = fewer bits`,
    });
    out.push({
      label: `BD-PSNR of ours (best of all points) against ${ANCHOR}`,
      value: best.bdPsnr,
      unit: 'dB',
      detail: 'over the common log-bpp range',
    });
  }
  const x264 = data.bd.find((b) => b.test === PEERS.x264.name);
  if (x264)
    out.push({
      label: `BD-rate of x264 medium against ${ANCHOR}`,
      value: x264.bdRate,
      unit: '%',
      detail: 'peer against peer, same run',
    });
  // The default-depth point of M, else of another profile, whose rate the anchor's points cover.
  const byPreference = [...data.ours].sort(
    (a, b) =>
      Number(b.bits === 8) - Number(a.bits === 8) || Number(b.profile === 'M') - Number(a.profile === 'M'),
  );
  const m8 = byPreference.find((p) => anchorPsnrAt(data, p.bpp) !== null) ?? byPreference[0];
  if (m8) {
    const at = anchorPsnrAt(data, m8.bpp);
    out.push({
      label: `PSNR of ${m8.codec} minus ${ANCHOR} at the same bpp`,
      value: at === null ? null : m8.psnr - at,
      unit: 'dB',
      detail:
        at === null
          ? `${m8.bpp.toFixed(4)} bpp is outside the anchor's points`
          : `${m8.psnr.toFixed(2)} vs ${at.toFixed(2)} dB at ${m8.bpp.toFixed(4)} bpp`,
    });
  }
  return out;
}

function rdTables(data: RdData): Table[] {
  const tables: Table[] = [];
  const depths = [...new Set(data.ours.map((p) => p.bits))];
  const tunedDepths = [...new Set(data.ours.filter((p) => p.codec.endsWith(' tuned')).map((p) => p.bits))];
  const tuned = tunedDepths.length > 0;
  const repacked = depths.filter((b) => b > QUANT_AWARE_MAX_BITS && !tunedDepths.includes(b));
  const quantAware = tuned ? tunedDepths : depths.filter((b) => b <= QUANT_AWARE_MAX_BITS);
  const list = (bits: number[]) => bits.join(', ');
  tables.push({
    title:
      `Our codec: per profile one training (fixed wall time) re-packed at ${list(repacked)} bits` +
      (quantAware.length
        ? tuned
          ? `, fine-tuned from it for each of ${list(quantAware)} bits`
          : `, one for each of ${list(quantAware)} bits`
        : ''),
    note:
      `encode s: training + packing of the first bit depth; ${list(repacked)} bits re-pack the same weights` +
      (quantAware.length
        ? tuned
          ? `, ${list(quantAware)} bits ("tuned") continue from those weights at 0.3× the learning rates with ` +
            'the tables straight-through quantized at that depth in every step (their encode s include the plain ' +
            "training's; the profile's budget is split between the trainings)"
          : `, ${list(quantAware)} bits train again with the tables straight-through quantized at that depth in every ` +
            'step (quantization-aware)'
        : '') +
      '. Every training runs on the clock for the budget, its cosine schedule following the share of the budget ' +
      'spent, so it ends on time whatever the load; iterations are what the budget gave the first chunk, ms/step ' +
      'the budget over the iterations of all chunks.',
    columns: [
      'point',
      'iterations',
      'encode s',
      'ms/step',
      'params',
      'bytes',
      'bpp',
      'PSNR dB',
      'SSIM',
      'decode fps',
    ],
    digits: [0, 0, 1, 1, 0, 0, 4, 2, 4, 1],
    rows: data.ours.map((p) => [
      p.codec,
      p.iterations,
      p.encodeSeconds,
      p.stepMs,
      p.parameters,
      p.bytes,
      p.bpp,
      p.psnr,
      p.ssim,
      p.decodeFps,
    ]),
  });
  if (data.peers.length) {
    tables.push({
      title: 'Peers (FFmpeg psnr/ssim on RGB, whole MP4 file)',
      columns: ['codec', 'setting', 'bytes', 'bpp', 'PSNR dB', 'SSIM', 'encode s', 'decode fps'],
      digits: [0, 0, 0, 4, 2, 4, 2, 1],
      rows: data.peers.map((p) => [
        p.peer,
        'crf' in p.setting ? `crf ${p.setting.crf}` : `${p.setting.bitrate} b/s`,
        p.bytes,
        p.bpp,
        p.psnr,
        p.ssim,
        p.encodeSeconds,
        p.decodeFps,
      ]),
    });
  }
  if (data.bd.length) {
    tables.push({
      title: `Bjøntegaard deltas against ${ANCHOR} (PCHIP)`,
      columns: ['test curve', 'BD-rate %', 'BD-PSNR dB', 'common PSNR range', 'note'],
      digits: [0, 1, 2, 0, 0],
      rows: data.bd.map((b) => [
        b.test,
        b.bdRate,
        b.bdPsnr,
        b.overlapDb ? `${b.overlapDb[0].toFixed(2)}–${b.overlapDb[1].toFixed(2)} dB` : null,
        b.reason ?? '',
      ]),
    });
  }
  return tables;
}

function rdPlots(sc: SuiteClip, data: RdData): Record<string, string> {
  const byPeer = new Map<string, RdPoint[]>();
  for (const p of data.peers) byPeer.set(p.peer, [...(byPeer.get(p.peer) ?? []), p]);
  const profiles = [...new Set(data.ours.map((p) => p.profile))];
  const make = (metric: 'psnr' | 'ssim') => {
    const series: PlotSeries[] = [];
    for (const [name, pts] of byPeer) {
      series.push({
        label: name,
        points: [...pts].sort((a, b) => a.bpp - b.bpp).map((p) => [p.bpp, p[metric]] as [number, number]),
      });
    }
    for (const profile of profiles) {
      const pts = data.ours.filter((p) => p.profile === profile).sort((a, b) => a.bpp - b.bpp);
      series.push({
        label: `ours ${profile} (${pts.map((p) => p.bits).join('/')}-bit)`,
        points: pts.map((p) => [p.bpp, p[metric]] as [number, number]),
        dashed: true,
      });
    }
    const { width, height, frames } = sc.clip;
    return lineChart({
      title: `${sc.name} ${width}×${height}×${frames.length}: RGB ${metric === 'psnr' ? 'PSNR' : 'SSIM'} vs rate`,
      xLabel: 'bits per pixel (whole file)',
      yLabel: metric === 'psnr' ? 'RGB PSNR (dB), mean over frames' : 'SSIM (FFmpeg, RGB), mean over frames',
      xScale: 'log',
      series,
    });
  };
  return { [`rd-${sc.name}-psnr.svg`]: make('psnr'), [`rd-${sc.name}-ssim.svg`]: make('ssim') };
}
