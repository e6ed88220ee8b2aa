import { describe, expect, it } from 'vitest';
import { ErrorDetails, PlayerError } from '../../player/src/core/errors.js';
import { parseMediaPlaylist, parseMultivariant } from '../../player/src/loader/playlist.js';
import { fixtureVideo, lirnMediaPlaylist } from './fixture-video.js';

const MASTER = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-STREAM-INF:BANDWIDTH=70000,RESOLUTION=32x24,FRAME-RATE=24.000,CODECS="lirn"
lirn/playlist.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=640x360,FRAME-RATE=24.000,CODECS="avc1.64001e"
h264/360p.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=90000,RESOLUTION=32x24,CODECS="avc1.42c00a"
h264/low.m3u8
`;

describe('parseMultivariant', () => {
  it('keeps the Latent-INR variant that hls.js drops beside known codecs, and the H.264 ones', () => {
    const m = parseMultivariant(MASTER, 'http://host/videos/a/master.m3u8');
    expect(m.lirn).toHaveLength(1);
    expect(m.lirn[0]).toMatchObject({
      kind: 'lirn',
      url: 'http://host/videos/a/lirn/playlist.m3u8',
      codecs: ['lirn'],
      bandwidth: 70000,
      width: 32,
      height: 24,
      frameRate: 24,
    });
    expect(m.fallback.map((v) => v.url)).toEqual([
      'http://host/videos/a/h264/360p.m3u8',
      'http://host/videos/a/h264/low.m3u8',
    ]);
    expect(m.fallback[0].codecs).toEqual(['avc1.64001e']);
  });

  it('takes a media playlist given directly as the one Latent-INR rendition', () => {
    const text = lirnMediaPlaylist(fixtureVideo());
    const m = parseMultivariant(text, 'http://host/v/lirn.m3u8');
    expect(m.lirn.map((v) => v.url)).toEqual(['http://host/v/lirn.m3u8']);
    expect(m.fallback).toEqual([]);
  });

  it('lists only fallback variants when no variant is lirn', () => {
    const text = MASTER.split('\n').slice(0, 3).concat(MASTER.split('\n').slice(5)).join('\n');
    const m = parseMultivariant(text, 'http://host/m.m3u8');
    expect(m.lirn).toEqual([]);
    expect(m.fallback).toHaveLength(2);
  });

  it('rejects non-playlists and empty ones with manifestParsingError', () => {
    for (const text of ['<html>', '', '#EXTM3U\n#EXT-X-VERSION:7\n']) {
      let error: unknown;
      try {
        parseMultivariant(text, 'http://host/m.m3u8');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PlayerError);
      expect((error as PlayerError).details).toBe(ErrorDetails.MANIFEST_PARSING_ERROR);
      expect((error as PlayerError).url).toBe('http://host/m.m3u8');
    }
  });
});

describe('parseMediaPlaylist', () => {
  const video = fixtureVideo();
  const url = 'http://host/videos/a/lirn/playlist.m3u8';
  const playlist = parseMediaPlaylist(lirnMediaPlaylist(video), url);

  it('gives every segment its start, duration, sequence number and chunk init (a new EXT-X-MAP per chunk)', () => {
    expect(playlist.segments).toHaveLength(video.segments.length);
    expect(playlist.inits.map((i) => i.url)).toEqual(
      [0, 1, 2].map((k) => `http://host/videos/a/lirn/init-${k}.mp4`),
    );
    let start = 0;
    playlist.segments.forEach((seg, i) => {
      expect(seg.index).toBe(i);
      expect(seg.sn).toBe(i + 1);
      expect(seg.url).toBe(`http://host/videos/a/lirn/seg-${i}.m4s`);
      expect(seg.start).toBeCloseTo(start, 5);
      expect(seg.duration).toBeCloseTo(video.segments[i].frames / video.fps, 5);
      expect(seg.init.key).toBe(playlist.inits[video.segments[i].chunk].key);
      start += seg.duration;
    });
    expect(playlist.duration).toBeCloseTo(video.file.frameCount / video.fps, 4);
    expect(playlist.ended).toBe(true);
  });

  it('reads byte ranges of segments and maps', () => {
    const text = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:1
#EXT-X-MAP:URI="all.mp4",BYTERANGE="500@0"
#EXTINF:0.5,
#EXT-X-BYTERANGE:200@500
all.mp4
#EXTINF:0.5,
#EXT-X-BYTERANGE:300
all.mp4
#EXT-X-ENDLIST
`;
    const p = parseMediaPlaylist(text, 'http://host/x.m3u8');
    expect(p.inits).toHaveLength(1);
    expect(p.inits[0].byteRange).toEqual({ offset: 0, length: 500 });
    expect(p.segments.map((s) => s.byteRange)).toEqual([
      { offset: 500, length: 200 },
      { offset: 700, length: 300 },
    ]);
  });

  it('reports a growing playlist as not ended', () => {
    const text = lirnMediaPlaylist(video)
      .replace('#EXT-X-ENDLIST\n', '')
      .replace('#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-PLAYLIST-TYPE:EVENT');
    expect(parseMediaPlaylist(text, url).ended).toBe(false);
  });

  it('rejects segments without EXT-X-MAP (levelParsingError)', () => {
    const text = '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nseg.m4s\n#EXT-X-ENDLIST\n';
    expect(() => parseMediaPlaylist(text, url)).toThrow(/EXT-X-MAP/);
    try {
      parseMediaPlaylist(text, url);
    } catch (e) {
      expect((e as PlayerError).details).toBe(ErrorDetails.LEVEL_PARSING_ERROR);
    }
  });
});
