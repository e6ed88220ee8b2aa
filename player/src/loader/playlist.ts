/**
 * HLS playlists through hls.js's own parser (`M3U8Parser`), reduced to what this player needs: the Latent-INR
 * and fallback renditions of a multivariant playlist, and the segments of a media playlist with the init
 * segment (EXT-X-MAP) each one uses. A new EXT-X-MAP starts a new model chunk.
 */
import { M3U8Parser, PlaylistLevelType } from 'hls.js';
import { ErrorDetails, ErrorTypes, PlayerError } from '../core/errors.js';

export type VariantKind = 'lirn' | 'fallback';

export interface Variant {
  kind: VariantKind;
  url: string;
  codecs: string[];
  bandwidth: number;
  width?: number;
  height?: number;
  frameRate?: number;
  name?: string;
  attrs: Record<string, string>;
}

export interface Multivariant {
  url: string;
  lirn: Variant[];
  fallback: Variant[];
}

export interface ByteRange {
  offset: number;
  length: number;
}

export interface SegmentRef {
  /** Position in the playlist (0-based). */
  index: number;
  /** Media sequence number. */
  sn: number;
  url: string;
  byteRange?: ByteRange;
  /** Start and duration in seconds on the playlist's timeline. */
  start: number;
  duration: number;
  /** The EXT-X-MAP this segment decodes with: its chunk. */
  init: InitRef;
}

export interface InitRef {
  /** Identity of the chunk: URL plus byte range. */
  key: string;
  url: string;
  byteRange?: ByteRange;
}

export interface MediaPlaylist {
  url: string;
  segments: SegmentRef[];
  /** Distinct init segments in playback order. */
  inits: InitRef[];
  duration: number;
  targetDuration: number;
  /** False for a growing (EVENT/live) playlist without EXT-X-ENDLIST. */
  ended: boolean;
}

/** The sample entry's four-character code, as the server names it in CODECS. */
export const LIRN_CODEC = 'lirn';

function parseError(url: string, message: string, cause?: unknown): PlayerError {
  return new PlayerError({
    type: ErrorTypes.NETWORK_ERROR,
    details: ErrorDetails.MANIFEST_PARSING_ERROR,
    message,
    url,
    cause,
  });
}

function isLirnCodec(codec: string): boolean {
  return codec.trim().toLowerCase().split('.')[0] === LIRN_CODEC;
}

export function isMediaPlaylistText(text: string): boolean {
  return M3U8Parser.isMediaPlaylist(text);
}

/**
 * hls.js drops variants whose codecs it does not know (ours) whenever some other variant's codecs are known.
 * The dropped ones are recovered by parsing the playlist again without the variants it kept.
 */
function withoutVariants(text: string, baseUrl: string, urls: ReadonlySet<string>): string {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('#EXT-X-STREAM-INF')) {
      let j = i + 1;
      while (j < lines.length && (lines[j].trim() === '' || lines[j].startsWith('#'))) j++;
      if (j < lines.length && urls.has(M3U8Parser.resolve(lines[j].trim(), baseUrl))) {
        out.push(...lines.slice(i + 1, j));
        i = j;
        continue;
      }
    }
    out.push(line);
  }
  return out.join('\n');
}

function countVariants(text: string): number {
  return text.split(/\r?\n/).filter((l) => l.startsWith('#EXT-X-STREAM-INF')).length;
}

export function parseMultivariant(text: string, url: string): Multivariant {
  if (typeof text !== 'string' || !text.startsWith('#EXTM3U')) {
    throw parseError(url, 'not an HLS playlist (no #EXTM3U header)');
  }
  if (M3U8Parser.isMediaPlaylist(text)) {
    // A media playlist given directly: one Latent-INR rendition.
    return {
      url,
      lirn: [{ kind: 'lirn', url, codecs: [LIRN_CODEC], bandwidth: 0, attrs: {} }],
      fallback: [],
    };
  }
  let parsed: ReturnType<typeof M3U8Parser.parseMasterPlaylist>;
  try {
    parsed = M3U8Parser.parseMasterPlaylist(text, url);
  } catch (error) {
    throw parseError(url, `multivariant playlist: ${String(error)}`, error);
  }
  let levels = parsed.levels;
  if (levels.length > 0 && levels.length < countVariants(text)) {
    const kept = new Set(levels.map((l) => l.url));
    levels = [...levels, ...M3U8Parser.parseMasterPlaylist(withoutVariants(text, url, kept), url).levels];
  }
  if (levels.length === 0) {
    throw parseError(
      url,
      `multivariant playlist has no variants${parsed.playlistParsingError ? `: ${parsed.playlistParsingError.message}` : ''}`,
    );
  }
  const result: Multivariant = { url, lirn: [], fallback: [] };
  for (const level of levels) {
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(level.attrs)) if (typeof v === 'string') attrs[k] = v;
    const codecs = (attrs.CODECS ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c.length > 0);
    const frameRate = Number.parseFloat(attrs['FRAME-RATE'] ?? '');
    const variant: Variant = {
      kind: codecs.some(isLirnCodec) ? 'lirn' : 'fallback',
      url: level.url,
      codecs,
      bandwidth: level.bitrate,
      ...(level.width ? { width: level.width, height: level.height } : {}),
      ...(Number.isFinite(frameRate) && frameRate > 0 ? { frameRate } : {}),
      ...(level.name ? { name: level.name } : {}),
      attrs,
    };
    result[variant.kind].push(variant);
  }
  // Highest bandwidth first: the best rendition is the default choice.
  result.lirn.sort((a, b) => b.bandwidth - a.bandwidth);
  result.fallback.sort((a, b) => b.bandwidth - a.bandwidth);
  return result;
}

function byteRangeOf(range: [number, number] | []): ByteRange | undefined {
  if (range.length !== 2) return undefined;
  return { offset: range[0], length: range[1] - range[0] };
}

export function parseMediaPlaylist(text: string, url: string): MediaPlaylist {
  const fail = (message: string, cause?: unknown) =>
    new PlayerError({
      type: ErrorTypes.NETWORK_ERROR,
      details: ErrorDetails.LEVEL_PARSING_ERROR,
      message,
      url,
      cause,
    });
  if (typeof text !== 'string' || !text.startsWith('#EXTM3U'))
    throw fail('not an HLS playlist (no #EXTM3U header)');
  let details: ReturnType<typeof M3U8Parser.parseLevelPlaylist>;
  try {
    details = M3U8Parser.parseLevelPlaylist(text, url, 0, PlaylistLevelType.MAIN, 0, null);
  } catch (error) {
    throw fail(`media playlist: ${String(error)}`, error);
  }
  if (details.playlistParsingError) throw fail(`media playlist: ${details.playlistParsingError.message}`);
  const inits = new Map<string, InitRef>();
  const segments: SegmentRef[] = details.fragments.map((frag, index) => {
    const map = frag.initSegment;
    if (!map)
      throw fail(`segment ${frag.sn} has no EXT-X-MAP: Latent-INR segments need their chunk's init segment`);
    const initRange = byteRangeOf(map.byteRange);
    const key = initRange ? `${map.url}#${initRange.offset}+${initRange.length}` : map.url;
    let init = inits.get(key);
    if (!init) {
      init = { key, url: map.url, ...(initRange ? { byteRange: initRange } : {}) };
      inits.set(key, init);
    }
    if (!(Number.isFinite(frag.duration) && frag.duration > 0)) {
      throw fail(`segment ${frag.sn} has an invalid duration ${frag.duration}`);
    }
    const range = byteRangeOf(frag.byteRange);
    return {
      index,
      sn: typeof frag.sn === 'number' ? frag.sn : index,
      url: frag.url,
      ...(range ? { byteRange: range } : {}),
      start: frag.start,
      duration: frag.duration,
      init,
    };
  });
  if (segments.length === 0 && !details.live) throw fail('media playlist lists no segments');
  return {
    url,
    segments,
    inits: [...inits.values()],
    duration: details.totalduration,
    targetDuration: details.targetduration,
    ended: !details.live,
  };
}
