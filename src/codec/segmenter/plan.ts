/**
 * NIRVANA-style chunking: a video is cut into segments (one latent chunk each, the HLS segment) and runs of
 * segments that share one model (a chunk). Each chunk's model is warm-started from the previous chunk's weights;
 * a scene cut ends the current chunk so no model straddles unrelated content.
 */

export interface SegmentPlanOptions {
  frameCount: number;
  /** Frames per second of the source (segment lengths are whole frames). */
  fps: number;
  /** Target segment duration in seconds (HLS segment), default 2. */
  segmentSeconds?: number;
  /** Segments per chunk (model), default 4. */
  segmentsPerChunk?: number;
  /** Frame indices where a new scene starts (a segment and a chunk begin there). */
  sceneCuts?: readonly number[];
}

export interface PlannedSegment {
  index: number;
  chunk: number;
  firstFrame: number;
  frameCount: number;
}

export interface PlannedChunk {
  index: number;
  firstFrame: number;
  frameCount: number;
  /** Indices into `segments`. */
  segments: number[];
  /** True when this chunk starts at a scene cut (not warm-started from the previous one). */
  sceneStart: boolean;
}

export interface SegmentPlan {
  segments: PlannedSegment[];
  chunks: PlannedChunk[];
}

export const DEFAULT_SEGMENT_SECONDS = 2;
export const DEFAULT_SEGMENTS_PER_CHUNK = 4;

/**
 * Frames of the first chunk (no scene cut) of a `frameCount`-frame source: what model configs are sized for. A
 * source that fits one chunk with a short tail (see planSegments) is one chunk of all its frames.
 */
export function typicalChunkFrames(
  frameCount: number,
  fps: number,
  segmentSeconds = DEFAULT_SEGMENT_SECONDS,
  segmentsPerChunk = DEFAULT_SEGMENTS_PER_CHUNK,
): number {
  return planSegments({ frameCount, fps, segmentSeconds, segmentsPerChunk }).chunks[0].frameCount;
}

export function planSegments(options: SegmentPlanOptions): SegmentPlan {
  const { frameCount, fps } = options;
  const segmentSeconds = options.segmentSeconds ?? DEFAULT_SEGMENT_SECONDS;
  const segmentsPerChunk = options.segmentsPerChunk ?? DEFAULT_SEGMENTS_PER_CHUNK;
  if (!Number.isInteger(frameCount) || frameCount < 1)
    throw new RangeError(`frameCount must be a positive integer, got ${frameCount}`);
  if (!(fps > 0) || !Number.isFinite(fps)) throw new RangeError(`fps must be positive, got ${fps}`);
  if (!(segmentSeconds > 0)) throw new RangeError(`segmentSeconds must be positive, got ${segmentSeconds}`);
  if (!Number.isInteger(segmentsPerChunk) || segmentsPerChunk < 1) {
    throw new RangeError(`segmentsPerChunk must be a positive integer, got ${segmentsPerChunk}`);
  }
  const segmentFrames = Math.max(1, Math.round(segmentSeconds * fps));
  const cuts = [...new Set(options.sceneCuts ?? [])]
    .filter((c) => c > 0 && c < frameCount)
    .sort((a, b) => a - b);
  const sceneStarts = [0, ...cuts];

  const segments: PlannedSegment[] = [];
  const chunks: PlannedChunk[] = [];
  for (let s = 0; s < sceneStarts.length; s++) {
    const sceneBegin = sceneStarts[s];
    const sceneEnd = s + 1 < sceneStarts.length ? sceneStarts[s + 1] : frameCount;
    let chunk: PlannedChunk | null = null;
    for (let f = sceneBegin; f < sceneEnd; ) {
      // A short tail (< half a segment) joins the previous segment of the same scene.
      let n = Math.min(segmentFrames, sceneEnd - f);
      if (sceneEnd - (f + n) > 0 && sceneEnd - (f + n) < segmentFrames / 2) n = sceneEnd - f;
      if (!chunk || chunk.segments.length >= segmentsPerChunk) {
        chunk = {
          index: chunks.length,
          firstFrame: f,
          frameCount: 0,
          segments: [],
          sceneStart: f === sceneBegin && s > 0,
        };
        chunks.push(chunk);
      }
      const seg: PlannedSegment = {
        index: segments.length,
        chunk: chunk.index,
        firstFrame: f,
        frameCount: n,
      };
      segments.push(seg);
      chunk.segments.push(seg.index);
      chunk.frameCount += n;
      f += n;
    }
    mergeShortTail(chunks, segments, segmentsPerChunk);
  }
  return { segments, chunks };
}

/**
 * A scene's last chunk of at most half the segments of a full one joins the chunk before it (of the same scene):
 * a model costs the same bytes however few frames it covers, so a short tail chunk costs as much as a full one
 * (vtest, 12 s at 10 fps, in the rd bench at the same training time: one 12 s chunk instead of 8 s + 4 s took the
 * BD-rate against x265 from +256% to +106%).
 */
function mergeShortTail(chunks: PlannedChunk[], segments: PlannedSegment[], segmentsPerChunk: number): void {
  if (chunks.length < 2) return;
  const tail = chunks[chunks.length - 1];
  const before = chunks[chunks.length - 2];
  if (tail.sceneStart || 2 * tail.segments.length > segmentsPerChunk) return;
  for (const i of tail.segments) {
    segments[i].chunk = before.index;
    before.segments.push(i);
  }
  before.frameCount += tail.frameCount;
  chunks.pop();
}
