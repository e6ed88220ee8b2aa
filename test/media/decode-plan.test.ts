import { describe, expect, it } from 'vitest';
import { decodeFilterDescription, planDecode, rationalFromNumber } from '../../src/media/decode-plan.js';
import { MediaError } from '../../src/media/errors.js';

describe('planDecode', () => {
  it('keeps the source size by default and follows the aspect ratio when one side is given', () => {
    expect(planDecode('f', 1920, 1080, {})).toMatchObject({
      width: 1920,
      height: 1080,
      scaleFilter: 'lanczos',
    });
    expect(planDecode('f', 1920, 1080, { width: 640 })).toMatchObject({ width: 640, height: 360 });
    expect(planDecode('f', 768, 576, { height: 480 })).toMatchObject({ width: 640, height: 480 });
    expect(planDecode('f', 64, 48, { crop: { x: 0, y: 0, width: 30, height: 10 }, width: 60 })).toMatchObject(
      {
        width: 60,
        height: 20,
      },
    );
  });

  it('rejects sizes, crops, rates and ranges that cannot work, naming the option', () => {
    const cases: [object, RegExp][] = [
      [{ width: 0 }, /width must be an integer in 1\.\.8192, got 0/],
      [{ height: 8193 }, /height .* got 8193/],
      [{ width: 10.5 }, /width/],
      [{ crop: { x: 40, y: 0, width: 30, height: 10 } }, /crop 30×10\+40\+0 exceeds the 64×48 source/],
      [{ crop: { x: -1, y: 0, width: 3, height: 3 } }, /crop\.x must be a non-negative integer/],
      [{ crop: { x: 0, y: 0, width: 0, height: 3 } }, /crop size must be at least 1×1/],
      [{ fps: 0 }, /fps must be a positive/],
      [{ fps: { num: 1, den: 0 } }, /fps must be a positive/],
      [{ fps: 5000 }, /above 1000/],
      [{ start: -1 }, /start must be/],
      [{ start: 2, end: 1 }, /end \(1\) must be after start \(2\)/],
      [{ frames: 0 }, /frames must be a positive integer/],
      [{ scaleFilter: 'nearest' }, /scaleFilter must be one of/],
    ];
    for (const [options, message] of cases) {
      let caught: unknown;
      try {
        planDecode('clip.mp4', 64, 48, options);
      } catch (error) {
        caught = error;
      }
      expect(caught, JSON.stringify(options)).toBeInstanceOf(MediaError);
      expect((caught as MediaError).details).toBe('bad-option');
      expect((caught as MediaError).path).toBe('clip.mp4');
      expect((caught as MediaError).message).toMatch(message);
    }
  });
});

describe('decodeFilterDescription', () => {
  it('converts with the given matrix and range in one pass when there is no crop', () => {
    const plan = planDecode('f', 1920, 1080, { width: 640, fps: 12 });
    expect(decodeFilterDescription(plan, 'bt709', 'tv')).toBe(
      'fps=fps=12/1,scale=w=640:h=360:flags=lanczos+accurate_rnd+full_chroma_int:in_color_matrix=bt709:in_range=tv,format=rgb24',
    );
  });

  it('crops exactly in RGB after conversion, then resizes RGB to RGB', () => {
    const plan = planDecode('f', 64, 48, {
      crop: { x: 3, y: 5, width: 31, height: 21 },
      width: 62,
      bitexact: true,
    });
    expect(decodeFilterDescription(plan, 'bt601', 'pc')).toBe(
      'scale=flags=bicubic+accurate_rnd+full_chroma_int+bitexact:in_color_matrix=bt601:in_range=pc,format=rgb24,' +
        'crop=w=31:h=21:x=3:y=5:exact=1,scale=w=62:h=42:flags=lanczos+accurate_rnd+bitexact,format=rgb24',
    );
  });

  it('passes start to the fps filter so frame-rate conversion is anchored at the trim point', () => {
    const plan = planDecode('f', 64, 48, { fps: { num: 30000, den: 1001 }, start: 2.5 });
    expect(decodeFilterDescription(plan, 'bt601', 'tv')).toMatch(/^fps=fps=30000\/1001:start_time=2\.5,/);
  });
});

describe('rationalFromNumber', () => {
  it('recovers NTSC rates and integers', () => {
    expect(rationalFromNumber(24)).toEqual({ num: 24, den: 1 });
    expect(rationalFromNumber(30000 / 1001)).toEqual({ num: 30000, den: 1001 });
    expect(rationalFromNumber(12.5)).toEqual({ num: 25, den: 2 });
    expect(rationalFromNumber(Math.PI)).toEqual({ num: 355, den: 113 });
  });
});
