/**
 * The Latent-INR architecture as a plain config object (tiny-cuda-nn style `{otype, ...}`).
 * It travels in the bitstream (`lirC` box), so a decoder rebuilds exactly what the encoder trained.
 * Platform-neutral: no Node APIs here.
 *
 * Conventions (normative, see spec/04-decoding-process.md):
 * - pixel (i, j) of a W×H render has coordinates x = (i + 0.5) / W, y = (j + 0.5) / H, both in (0, 1);
 * - dense weights are stored row-major with shape [out, in]; a layer computes y = W·x + b;
 * - base layer 0 maps the encoding to the first hidden layer, the last base layer maps to RGB (or to the patch
 *   feature channels); ReLU after every layer but the last; the output is clamped to [0, 1] when rendered.
 */

export interface HashGridEncodingConfig {
  otype: 'HashGrid';
  n_levels: number;
  n_features_per_level: number;
  log2_hashmap_size: number;
  base_resolution: number;
  finest_resolution: number;
  /**
   * Integer grid resolution of each level, computed once by the encoder from base/finest resolution
   * (instant-NGP's geometric progression) and stored, so decoders never recompute them with their own libm.
   */
  level_resolutions: number[];
  /**
   * Vertical resolution of each level (spec §4.3.3): the level has `level_resolutions[l]` cells across and
   * `level_y_resolutions[l]` down, so its cells can be square in pixels on a frame that is not. Absent means
   * `level_resolutions` (square grids over the unit square, the paper's encoding).
   */
  level_y_resolutions?: number[];
  /**
   * Temporal resolution T of each level (spec §4.3.3): 0 keeps the level a static 2-D grid over (x, y); T > 0
   * makes it an (N × M × T)-cell grid over (x, y, τ) with τ = (t + 0.5) / frames, blended from 8 corners.
   * Absent means every level is static (the paper's encoding).
   */
  level_time_resolutions?: number[];
  /**
   * Frames that start a new scene within the chunk (spec §4.3.3), strictly ascending from 1 (a start past the
   * chunk's last frame is never reached): a static level holds one time slice per scene and frame t reads the slice
   * of its scene, so content on either side of a cut does not share the grid's cells. Absent or empty: one scene.
   */
  scene_starts?: number[];
}

export interface FourierEncodingConfig {
  otype: 'Fourier';
  n_frequencies: number;
  include_input: boolean;
}

export type EncodingConfig = HashGridEncodingConfig | FourierEncodingConfig;

export interface BaseNetworkConfig {
  otype: 'ModulatedMLP';
  n_neurons: number;
  n_hidden_layers: number;
  activation: 'ReLU';
  output_activation: 'None';
}

export interface ModulationConfig {
  /** Indices of the base layers whose weights are modulated: W_t = sigmoid(P·Q) ∘ W. */
  layers: number[];
  rank: number;
  /** Hidden widths of each hypernetwork (tanh after each hidden layer, linear output of rank·(out+in)). */
  hyper_hidden: number[];
  activation: 'Tanh';
}

export interface LatentConfig {
  dim: number;
  init_std: number;
}

/** Patch variant (paper §3.3): the base MLP runs at patch centroids; a 3×3 conv + pixel shuffle makes pixels. */
export interface PatchConfig {
  size: number;
  channels: number;
}

/**
 * Per-frame coordinate warp read from the first latent components (spec §4.3.2.1, src/codec/model/warp.ts):
 * 'Translation' uses z[0..1], 'Affine' z[0..5]; each is multiplied by `scale` (a coordinate offset per latent
 * unit, so the latents' learning rate and quantization step map to a sub-pixel motion step).
 */
export interface WarpConfig {
  otype: 'Translation' | 'Affine';
  scale: number;
}

export interface ModelConfig {
  version: 1;
  encoding: EncodingConfig;
  /** Absent or null: no warp (the paper's model). */
  warp?: WarpConfig | null;
  base: BaseNetworkConfig;
  modulation: ModulationConfig;
  latent: LatentConfig;
  patch: PatchConfig | null;
}

export type ProfileName = 'S' | 'M' | 'L';
export const PROFILE_NAMES: readonly ProfileName[] = ['S', 'M', 'L'];

export const MAX_DIMENSION = 8192;

/** Integer level resolutions floor(base · b^l) with b = exp((ln finest − ln base)/(L − 1)). */
export function hashGridResolutions(levels: number, base: number, finest: number): number[] {
  if (levels === 1) return [Math.floor(base)];
  const b = Math.exp((Math.log(finest) - Math.log(base)) / (levels - 1));
  const out: number[] = [];
  for (let l = 0; l < levels; l++) out.push(Math.max(1, Math.floor(base * b ** l + 1e-9)));
  return out;
}

export function hashGrid(
  levels: number,
  featuresPerLevel: number,
  log2HashmapSize: number,
  baseResolution: number,
  finestResolution: number,
): HashGridEncodingConfig {
  return {
    otype: 'HashGrid',
    n_levels: levels,
    n_features_per_level: featuresPerLevel,
    log2_hashmap_size: log2HashmapSize,
    base_resolution: baseResolution,
    finest_resolution: finestResolution,
    level_resolutions: hashGridResolutions(levels, baseResolution, finestResolution),
  };
}

/** Frames per chunk the profiles' temporal resolutions are chosen for when the caller does not say. */
export const DEFAULT_CHUNK_FRAMES = 120;

/** Frames per time cell at the finest spatio-temporal level. */
const FRAMES_PER_FINEST_CELL = 8;

/**
 * Temporal resolution of each level for a chunk of `chunkFrames` frames: the coarser half of the levels are
 * spatio-temporal, their T a geometric ramp from 1 (two time slices per chunk) towards one cell per 8 frames
 * (the ramp runs over all levels, so the coarse half stays coarse in time); the finer half stays static.
 * Measured on profile S, 5000 iterations, 6 bits (bench/explore.ts): every level temporal gained 0.35 dB on bunny
 * but lost 2.4 dB on vtest (a fixed camera: fine static detail split over time slices), the coarse half alone
 * gains 0.37 dB on bunny and 0.09 dB on vtest, the fine half alone nothing on bunny. Single frames get static
 * levels (τ is constant).
 */
export function profileTimeResolutions(levels: number, chunkFrames: number): number[] {
  if (chunkFrames <= 1) return new Array<number>(levels).fill(0);
  const finest = Math.max(1, Math.round(chunkFrames / FRAMES_PER_FINEST_CELL));
  const b = levels === 1 ? 1 : finest ** (1 / (levels - 1));
  const temporalLevels = Math.ceil(levels / 2);
  return Array.from({ length: levels }, (_, l) => (l < temporalLevels ? Math.max(1, Math.round(b ** l)) : 0));
}

/**
 * Frame levels: spatio-temporal hash-grid levels with one time cell per frame (T = the chunk's frames), at these
 * fractions of the finest level's resolution, appended after a profile's own levels. They hold what changes from
 * frame to frame in place (people walking across a fixed camera's view), which neither the static levels, the
 * coarse spatio-temporal ones (a cell per 8+ frames) nor the per-frame latent can place. Measured with profile M,
 * 5000 iterations, 6 bits (bench/explore.ts --variants M,M+T2f1,M+T3f1,M+T4f1): vtest 640×480 31.41 dB at 0.0416
 * bpp → 32.90 (two levels, 0.1 and 0.2) / 33.34 (three, up to 0.4) / 33.68 dB at 0.0611 (these four); one cell per
 * two frames 32.65 dB. On bunny (a camera tilt the warp already follows, little motion of its own) two levels cost
 * 24% more bits for −0.04 dB, so the encoder adds them only where a short probe training shows they pay
 * (src/codec/segmenter/frame-levels.ts). No bitstream change: levels are free (spec §4.3.3).
 */
export const FRAME_LEVEL_FRACTIONS: readonly number[] = [0.05, 0.1, 0.2, 0.4];

/**
 * `config` with frame levels appended (FRAME_LEVEL_FRACTIONS, one time cell per frame of a `chunkFrames`-frame
 * chunk), cells shaped as the finest level's, and the config's own levels made static: with a cell per frame
 * beside them, the profiles' coarse spatio-temporal levels (a cell per 8+ frames) hold nothing the frame levels
 * do not, and their time slices cost parameters. Measured on vtest 640×480×120, 5000 iterations, 6 bits, seed 1
 * (bench/explore.ts --variants P+T4f1,P-st+T4f1): S 31.91 dB at 0.0365 bpp → 31.99 dB at 0.0342, M 33.68 dB at
 * 0.0611 → 33.57 dB at 0.0531. Hash-grid configs of more than one frame only.
 */
export function withFrameLevels(config: ModelConfig, chunkFrames: number): ModelConfig {
  const enc = config.encoding;
  if (enc.otype !== 'HashGrid') throw new RangeError('frame levels need a hash-grid encoding');
  if (!(Number.isInteger(chunkFrames) && chunkFrames > 1))
    throw new RangeError(`frame levels need chunks of more than one frame, got ${chunkFrames}`);
  const last = enc.n_levels - 1;
  const finest = enc.level_resolutions[last];
  const finestY = levelYResolution(enc, last);
  const scaled = (n: number, f: number) => Math.max(1, Math.round(n * f));
  const encoding: HashGridEncodingConfig = {
    ...enc,
    n_levels: enc.n_levels + FRAME_LEVEL_FRACTIONS.length,
    level_resolutions: [...enc.level_resolutions, ...FRAME_LEVEL_FRACTIONS.map((f) => scaled(finest, f))],
    level_time_resolutions: [
      ...new Array<number>(enc.n_levels).fill(0),
      ...FRAME_LEVEL_FRACTIONS.map(() => chunkFrames),
    ],
  };
  if (enc.level_y_resolutions || finestY !== finest)
    encoding.level_y_resolutions = [
      ...(enc.level_y_resolutions ?? enc.level_resolutions),
      ...FRAME_LEVEL_FRACTIONS.map((f) => scaled(finestY, f)),
    ];
  return { ...config, encoding };
}

/**
 * `config` for a chunk whose scenes start at frames `sceneStarts` (counted from the chunk's first frame; empty:
 * one scene, `config` unchanged): the hash grid gets `scene_starts`, and its levels turn static, so each holds
 * every scene on a slice of its own. A cut inside a chunk otherwise lays two unrelated pictures over the same
 * cells; the profiles' coarse time slices (a cell per 40–120 frames on a 120-frame chunk) separated them only
 * roughly and are not needed beside the scene slices. Measured on bunny 640×360×120 (a cut at frame 93), 5000
 * iterations, 6 bits (bench/explore.ts --scenes 93 --variants P,P+sc,P-st+sc): S 26.80 dB at 0.0310 bpp → 27.20 dB
 * at 0.0339, M 28.09 dB at 0.0519 → 28.20 dB at 0.0501 (with its time slices kept: 28.12 dB at 0.0555), L 29.03 dB
 * at 0.0752 → 29.23 dB at 0.0784 (kept: 29.28 dB at 0.0840). Frame levels (withFrameLevels) go on top.
 */
export function withScenes(config: ModelConfig, sceneStarts: readonly number[]): ModelConfig {
  if (sceneStarts.length === 0) return config;
  const enc = config.encoding;
  if (enc.otype !== 'HashGrid') throw new RangeError('scenes need a hash-grid encoding');
  sceneStarts.forEach((s, i) => {
    if (!(Number.isInteger(s) && s >= 1 && (i === 0 || s > sceneStarts[i - 1])))
      throw new RangeError(`scene starts must be ascending frames from 1, got [${sceneStarts.join(', ')}]`);
  });
  const { level_time_resolutions: _, ...rest } = enc;
  return { ...config, encoding: { ...rest, scene_starts: [...sceneStarts] } };
}

/**
 * The profiles' coordinate warp (spec §4.3.2.1). Measured with profile L, 5000 iterations, 6 bits
 * (bench/explore.ts): bunny (a camera tilt) 25.96 dB unwarped → 28.31 dB at scale 0.02 (0.1: 27.88, 0.03: 28.32,
 * 0.01: 28.07); vtest (a fixed camera) 31.88 → 31.90 dB (0.1: 30.81, 0.03: 31.75, 0.01: 31.92). A large scale
 * lets Adam's per-step noise on the latents jitter every frame's position, which costs a fixed camera its fine
 * static detail; 0.02 keeps both. Those runs started the warp at 0; the trainer now starts it on the clip's
 * measured global motion (train/global-motion.ts), which on bunny is worth another 0.7–0.9 dB.
 */
export const PROFILE_WARP: WarpConfig = { otype: 'Affine', scale: 0.02 };

/**
 * Profiles S/M/L differ in hash-table size (2^13 / 2^14 / 2^15 rows per hashed level): on bunny 640×360×120 the
 * tables are where bits buy quality. All three share the S hypernetwork — rank 6 modulation of the first base
 * layer (hash-grid features → 64) from a 32-dim latent through one hidden layer of 32. The paper scales the rank
 * instead (Ours-s/m/l: 50/100/200 at width 512); measured here with a spatio-temporal grid (bench/explore.ts, 5000
 * iterations, 6 bits), the rank-12 / latent-64 hypernetwork of the earlier M cost 24% more bits for +0.09 dB, three
 * modulated layers cost 57% more bits and lost 0.9 dB, and width 128 cost 43% more bits for +0.26 dB.
 *
 * Which layer (bench/explore.ts --variants M-mod1,M --seed S, profile M, 5000 iterations): modulating the first
 * layer instead of the second lets each frame re-weight the grid's levels (its spatio-temporal ones among them) and
 * needs a smaller hypernetwork output (rank·(64 + 24) instead of rank·(64 + 64)): bunny +0.14 / +0.18 / +0.16 dB
 * at 3.5–5.5% fewer bits over seeds 1–3, vtest +0.07 / +0.22 dB at 1.7% fewer (seeds 1–2). The third layer lost
 * 0.43 dB, the first two together +0.06 dB over the first alone for 15% more bits, rank 10 on the first +0.09 dB
 * for 6% more bits (along the curve table size gives). rd at 6.67 minutes per profile against the second layer in
 * the same session (bench/RESULTS.md rd — *-mod0 and *-mod1): BD-rate against x265-444 on bunny +88.6% → +72.4%
 * (L 8-bit 29.63 dB at 0.0984 bpp → 30.04 dB at 0.1020), on vtest +85.4% → +70.3% (S/M/L 62.2/78.9/111.8% →
 * 50.6/65.6/92.2%).
 *
 * In M and L the coarse half of the hash grid's levels is spatio-temporal (spec §4.3.3, `level_time_resolutions`
 * from `profileTimeResolutions`); S keeps every level static: its 2^13-row tables cannot afford the time slices
 * (bunny, 5000 iterations, 6 bits, bench/explore.ts --variants S,S-st: 26.92 dB at 0.0362 bpp spatio-temporal,
 * 26.80 dB at 0.0310 static, 14% fewer bits for 0.12 dB where M's curve charges 0.3; M static 28.09 → 27.73 dB for
 * 13.5% fewer bits, on the curve). rd at 6.67 minutes on bunny (bench/RESULTS.md rd — bunny-staticlevels): S's own
 * BD-rate against x265-444 +61.7% → +44.0% (27.48 dB at 0.0301 bpp → 27.49 dB at 0.0272 at 6 bits), M's +72.2% →
 * +66.8%, L's +84.8% → +89.1% with every profile static; S alone static, in a later run of the same session (rd —
 * bunny-s13), S +49.1% and the clip +72.0% → +69.3% at fewer iterations than session 12. A chunk that crosses a
 * scene cut turns every level static beside its scene slices (`withScenes`; bunny's clip has one at frame 93: rd
 * +68.0% → +65.1%, M +74.7% → +65.4%, bench/RESULTS.md rd — bunny-scenes). The first six latent components warp
 * each frame's coordinates (PROFILE_WARP); single-frame chunks get neither. `chunkFrames` is the encoder's typical
 * chunk length.
 *
 * Every level's cells are square in pixels (`applyAspect`, spec §4.3.3 `level_y_resolutions`). Against square
 * grids in the same session (`lirn bench rd --minutes 6.67 --bits 8,6,5`, bench/RESULTS.md rd — *-aspect and
 * *-square): BD-rate against x265-444 on bunny 640×360 +108.6% → +88.1% (M: 28.53 dB at 0.0745 bpp → 28.76 dB at
 * 0.0681), on vtest 640×480 +84.6% → +85.7%, within run-to-run noise (per profile S/M/L 60.7/82.3/113.3% →
 * 60.4/77.8/99.3%).
 */
export function profileConfig(
  profile: ProfileName,
  frameWidth: number,
  frameHeight: number,
  chunkFrames = DEFAULT_CHUNK_FRAMES,
): ModelConfig {
  const finest = Math.max(16, Math.min(2048, Math.max(frameWidth, frameHeight)));
  const spec = {
    S: { width: 64, rank: 6, latent: 32, hyper: 32, log2: 13, levels: 12, temporal: false },
    M: { width: 64, rank: 6, latent: 32, hyper: 32, log2: 14, levels: 12, temporal: true },
    L: { width: 64, rank: 6, latent: 32, hyper: 32, log2: 15, levels: 12, temporal: true },
  }[profile];
  if (!spec) throw new Error(`unknown profile '${profile}' (expected one of ${PROFILE_NAMES.join(', ')})`);
  const encoding = hashGrid(spec.levels, 2, spec.log2, 16, finest);
  applyAspect(encoding, frameWidth, frameHeight);
  const times = spec.temporal ? profileTimeResolutions(spec.levels, chunkFrames) : [];
  if (times.some((t) => t > 0)) encoding.level_time_resolutions = times;
  return {
    version: 1,
    encoding,
    warp: chunkFrames > 1 ? { ...PROFILE_WARP } : null,
    base: {
      otype: 'ModulatedMLP',
      n_neurons: spec.width,
      n_hidden_layers: 3,
      activation: 'ReLU',
      output_activation: 'None',
    },
    modulation: { layers: [0], rank: spec.rank, hyper_hidden: [spec.hyper], activation: 'Tanh' },
    latent: { dim: spec.latent, init_std: 0.05 },
    patch: null,
  };
}

export function encodingOutputDim(enc: EncodingConfig): number {
  if (enc.otype === 'HashGrid') return enc.n_levels * enc.n_features_per_level;
  return (enc.include_input ? 2 : 0) + 4 * enc.n_frequencies;
}

/** Temporal resolution T of a hash-grid level (0 for a static 2-D level). */
export function levelTimeResolution(enc: HashGridEncodingConfig, level: number): number {
  return enc.level_time_resolutions?.[level] ?? 0;
}

/** Vertical resolution M of a hash-grid level (its horizontal resolution N when the key is absent). */
export function levelYResolution(enc: HashGridEncodingConfig, level: number): number {
  return enc.level_y_resolutions?.[level] ?? enc.level_resolutions[level];
}

/** Scenes of the chunk: one more than its scene starts. */
export function sceneCount(enc: HashGridEncodingConfig): number {
  return (enc.scene_starts?.length ?? 0) + 1;
}

/**
 * Time slices of a hash-grid level: T + 1 on a spatio-temporal level, one per scene on a static one.
 */
export function levelTimeSlices(enc: HashGridEncodingConfig, level: number): number {
  const t = levelTimeResolution(enc, level);
  return t > 0 ? t + 1 : sceneCount(enc);
}

/** Frames that start a scene within the chunk (`scene_starts`; empty without scenes or for a non-grid encoding). */
export function sceneStarts(enc: EncodingConfig): readonly number[] {
  return (enc.otype === 'HashGrid' ? enc.scene_starts : undefined) ?? [];
}

/**
 * Scene index of frame time t (latent rows, fractional between frames; clamped to [0, frames − 1] as τ is): the
 * number of scene starts at or before it (0 for encodings without scenes).
 */
export function sceneOf(enc: EncodingConfig, t: number, frames: number): number {
  const starts = sceneStarts(enc);
  if (starts.length === 0) return 0;
  const c = t >= 0 ? Math.min(t, frames - 1) : 0;
  let s = 0;
  while (s < starts.length && starts[s] <= c) s++;
  return s;
}

/** Vertices of a hash-grid level: (N+1)·(M+1) per time slice (levelTimeSlices). */
export function hashLevelVertices(enc: HashGridEncodingConfig, level: number): number {
  const n = enc.level_resolutions[level] + 1;
  const m = levelYResolution(enc, level) + 1;
  return n * m * levelTimeSlices(enc, level);
}

/**
 * Makes every level's cells square in pixels on a `width` × `height` frame: the longer axis keeps the level's
 * resolution, the shorter one gets it scaled by the aspect ratio (at least 1 cell). Square frames are left as is.
 */
export function applyAspect(enc: HashGridEncodingConfig, width: number, height: number): void {
  if (width === height) return;
  const scaled = enc.level_resolutions.map((n) =>
    Math.max(1, Math.round((n * Math.min(width, height)) / Math.max(width, height))),
  );
  if (width > height) enc.level_y_resolutions = scaled;
  else {
    enc.level_y_resolutions = enc.level_resolutions;
    enc.level_resolutions = scaled;
  }
}

/** Rows of each hash-grid level's table: dense levels use one row per vertex, hashed ones 2^log2_hashmap_size. */
export function hashLevelRows(enc: HashGridEncodingConfig, level: number): number {
  return Math.min(hashLevelVertices(enc, level), 2 ** enc.log2_hashmap_size);
}

/** [out, in] of every base layer, input layer first. */
export function baseLayerShapes(config: ModelConfig): Array<[number, number]> {
  const k = config.base.n_neurons;
  const out = config.patch ? config.patch.channels : 3;
  const shapes: Array<[number, number]> = [[k, encodingOutputDim(config.encoding)]];
  for (let i = 1; i < config.base.n_hidden_layers; i++) shapes.push([k, k]);
  shapes.push([out, k]);
  return shapes;
}
