/**
 * A tiny Latent-INR video for the player's tests and benchmark, built with the project's own encoder side:
 * parameters (initParams, then reshaped so frames show colour and motion instead of the near-black init) →
 * packChunk → a LirnFile → HLS pieces (initSegmentForChunk / mediaSegment). Three chunks with different
 * configurations exercise every shader path: hash grid (dense and hashed levels) with a hidden hypernetwork
 * layer, Fourier features with the first and last layers modulated by linear hypernetworks, and a patch model.
 */
import { packChunk } from '../../src/codec/encoder/pack.js';
import { hashGrid, type ModelConfig } from '../../src/codec/model/config.js';
import { initParams } from '../../src/codec/model/init.js';
import type { ParamSet } from '../../src/codec/model/params.js';
import { createRng } from '../../src/codec/util/random.js';
import { initSegmentForChunk, mediaSegment } from '../../src/container/hls.js';
import type { LirnFile } from '../../src/container/lirn-file.js';
import { readLirnFile } from '../../src/container/read-file.js';
import { writeLirnFile } from '../../src/container/write-file.js';

export const FIXTURE_WIDTH = 32;
export const FIXTURE_HEIGHT = 24;
export const FIXTURE_TIMESCALE = 24000;
export const FIXTURE_SAMPLE_DURATION = 1000;

const base = (layers: number, width = 16): ModelConfig['base'] => ({
  otype: 'ModulatedMLP',
  n_neurons: width,
  n_hidden_layers: layers,
  activation: 'ReLU',
  output_activation: 'None',
});

export const FIXTURE_CONFIGS: ModelConfig[] = [
  {
    version: 1,
    // Levels 4, 8 are dense ((N+1)² ≤ 256), 16 and 32 hashed.
    encoding: hashGrid(4, 2, 8, 4, 32),
    base: base(2),
    modulation: { layers: [1], rank: 3, hyper_hidden: [8], activation: 'Tanh' },
    latent: { dim: 8, init_std: 0.5 },
    patch: null,
  },
  {
    version: 1,
    encoding: { otype: 'Fourier', n_frequencies: 4, include_input: true },
    base: base(2),
    modulation: { layers: [0, 2], rank: 2, hyper_hidden: [], activation: 'Tanh' },
    latent: { dim: 6, init_std: 0.5 },
    patch: null,
  },
  {
    version: 1,
    encoding: hashGrid(3, 2, 8, 4, 16),
    base: base(2),
    modulation: { layers: [1], rank: 3, hyper_hidden: [8], activation: 'Tanh' },
    latent: { dim: 8, init_std: 0.5 },
    patch: { size: 2, channels: 4 },
  },
];

/**
 * Parameters that draw something: hash tables large enough to matter, an output bias of 0.5 (mid grey), and
 * latents that move smoothly with the frame number (so interpolated frames lie between their neighbours).
 */
export function fixtureParams(config: ModelConfig, frames: number, seed: number): ParamSet {
  const params = initParams(config, frames, seed);
  const rng = createRng(seed + 1000);
  for (const [name, t] of params) {
    if (name.startsWith('encoding.')) for (let i = 0; i < t.data.length; i++) t.data[i] = rng.uniform(-1, 1);
  }
  const outputLayer = config.base.n_hidden_layers;
  const outBias = config.patch ? params.get('patch.conv.bias')! : params.get(`base.${outputLayer}.bias`)!;
  outBias.data.fill(0.5);
  const outWeight = params.get(`base.${outputLayer}.weight`)!;
  for (let i = 0; i < outWeight.data.length; i++) outWeight.data[i] *= 0.5;
  const latents = params.get('latents')!;
  const D = config.latent.dim;
  const phases = Array.from({ length: D }, () => rng.uniform(0, 2 * Math.PI));
  const speeds = Array.from({ length: D }, () => rng.uniform(0.1, 0.4));
  for (let f = 0; f < frames; f++) {
    for (let d = 0; d < D; d++) latents.data[f * D + d] = 1.5 * Math.sin(phases[d] + speeds[d] * f);
  }
  return params;
}

export interface FixtureVideo {
  file: LirnFile;
  /** The .lirn file's bytes. */
  bytes: Uint8Array;
  /** HLS pieces: init segment per chunk, media segment per segment (with its chunk index). */
  inits: Uint8Array[];
  segments: Array<{ bytes: Uint8Array; chunk: number; frames: number }>;
  fps: number;
}

export function fixtureVideo(framesPerChunk = 16, framesPerSegment = 8): FixtureVideo {
  const file: LirnFile = {
    majorBrand: 'lirn',
    minorVersion: 0,
    compatibleBrands: ['lirn', 'iso6'],
    timescale: FIXTURE_TIMESCALE,
    sampleDuration: FIXTURE_SAMPLE_DURATION,
    frameCount: framesPerChunk * FIXTURE_CONFIGS.length,
    displayWidth: FIXTURE_WIDTH,
    displayHeight: FIXTURE_HEIGHT,
    chunks: [],
    segments: [],
  };
  let first = 0;
  FIXTURE_CONFIGS.forEach((config, k) => {
    const params = fixtureParams(config, framesPerChunk, 7 + k);
    const { chunk, samples } = packChunk(config, params, {
      width: FIXTURE_WIDTH,
      height: FIXTURE_HEIGHT,
      firstFrame: first,
      frameCount: framesPerChunk,
    });
    file.chunks.push(chunk);
    for (let s = 0; s < framesPerChunk; s += framesPerSegment) {
      const n = Math.min(framesPerSegment, framesPerChunk - s);
      file.segments.push({
        chunkIndex: k,
        firstFrame: first + s,
        baseMediaDecodeTime: (first + s) * FIXTURE_SAMPLE_DURATION,
        samples: samples.slice(s, s + n),
      });
    }
    first += framesPerChunk;
  });
  // Through bytes and back, so the file is exactly what a reader sees.
  const bytes = writeLirnFile(file);
  const read = readLirnFile(bytes);
  return {
    file: read,
    bytes,
    inits: read.chunks.map((_, k) => initSegmentForChunk(read, k)),
    segments: read.segments.map((seg, i) => ({
      bytes: mediaSegment(read, i),
      chunk: seg.chunkIndex,
      frames: seg.samples.length,
    })),
    fps: FIXTURE_TIMESCALE / FIXTURE_SAMPLE_DURATION,
  };
}

/** The Latent-INR media playlist of a fixture video (init-<k>.mp4, seg-<i>.m4s, as the server names them). */
export function lirnMediaPlaylist(video: FixtureVideo): string {
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    '#EXT-X-TARGETDURATION:1',
    '#EXT-X-MEDIA-SEQUENCE:1',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  let chunk = -1;
  video.segments.forEach((seg, i) => {
    if (seg.chunk !== chunk) {
      chunk = seg.chunk;
      lines.push(`#EXT-X-MAP:URI="init-${chunk}.mp4"`);
    }
    lines.push(`#EXTINF:${(seg.frames / video.fps).toFixed(6)},`, `seg-${i}.m4s`);
  });
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
}

export function lirnBandwidth(video: FixtureVideo): number {
  const bytes =
    video.inits.reduce((n, b) => n + b.byteLength, 0) +
    video.segments.reduce((n, s) => n + s.bytes.byteLength, 0);
  return Math.ceil((bytes * 8) / (video.file.frameCount / video.fps));
}
