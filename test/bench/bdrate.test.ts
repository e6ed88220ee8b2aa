import { describe, expect, it } from 'vitest';
import { bdPsnr, bdRate, Pchip, paretoFront } from '../../bench/lib/bdrate.js';

// x265 presets measured with FFmpeg, the example data of FAU-LMS/bjontegaard's README (rate in kbit/s).
const anchor = [
  { rate: 9487.76, quality: 40.037 },
  { rate: 4593.6, quality: 38.615 },
  { rate: 2486.44, quality: 36.845 },
  { rate: 1358.24, quality: 34.851 },
];
const test = [
  { rate: 9787.8, quality: 40.121 },
  { rate: 4469.0, quality: 38.651 },
  { rate: 2451.52, quality: 36.97 },
  { rate: 1356.24, quality: 34.987 },
];

describe('Pchip', () => {
  // Reference values from scipy.interpolate.PchipInterpolator (an independent implementation of the same rule).
  const f = new Pchip([0, 1, 2.5, 3, 5], [1, 3, 2, 2.5, 7]);
  it('matches scipy at interior points, in both kinds of segment', () => {
    expect(f.at(0.7)).toBeCloseTo(2.7612, 10);
    expect(f.at(4.2)).toBeCloseTo(4.726857142857143, 10);
  });
  it('integrates exactly across segments', () => {
    expect(f.integrate(0.3, 4.6)).toBeCloseTo(12.963107460317458, 10);
    expect(f.integrate(4.6, 0.3)).toBeCloseTo(-12.963107460317458, 10);
  });
  it('passes through its points and rejects unsorted abscissae', () => {
    expect(f.at(2.5)).toBeCloseTo(2, 12);
    expect(() => new Pchip([0, 0], [1, 2])).toThrow(/increase strictly/);
  });
});

describe('bdRate / bdPsnr', () => {
  it('reproduces the PCHIP result of scipy on a published pair of x265 curves', () => {
    // scipy: (10**((∫ pchip_test − ∫ pchip_anchor)/(hi − lo)) − 1)·100 over log10 rate vs PSNR.
    const r = bdRate(anchor, test);
    expect(r.value).toBeCloseTo(-4.417485350589045, 8);
    expect(r.overlap).toEqual([34.987, 40.037]);
    expect(bdPsnr(anchor, test).value).toBeCloseTo(0.11969278542479489, 8);
  });

  it('handles curves with different point counts and a large gap', () => {
    const a = [0.02, 0.05, 0.1, 0.2, 0.4].map((rate, i) => ({
      rate,
      quality: [22, 24.5, 26.1, 27, 27.5][i],
    }));
    const b = [0.03, 0.06, 0.15, 0.3].map((rate, i) => ({ rate, quality: [25, 28, 31, 33.5][i] }));
    expect(bdRate(a, b).value).toBeCloseTo(-67.79324459738729, 8);
    expect(bdPsnr(a, b).value).toBeCloseTo(3.7366340487344623, 8);
  });

  it('gives exactly the rate scale for a curve shifted in rate, and is antisymmetric in log terms', () => {
    const scaled = anchor.map((p) => ({ rate: p.rate * 0.8, quality: p.quality }));
    expect(bdRate(anchor, scaled).value).toBeCloseTo(-20, 10);
    expect(bdRate(scaled, anchor).value).toBeCloseTo(25, 10);
    const better = anchor.map((p) => ({ rate: p.rate, quality: p.quality + 1.5 }));
    expect(bdPsnr(anchor, better).value).toBeCloseTo(1.5, 10);
  });

  it('says why when the curves do not overlap or have too few points', () => {
    const low = anchor.map((p) => ({ rate: p.rate, quality: p.quality - 20 }));
    const r = bdRate(anchor, low);
    expect(r.value).toBeNull();
    expect(r.reason).toMatch(/no common quality range/);
    expect(bdRate(anchor, [test[0]]).reason).toMatch(/1 usable point/);
  });
});

describe('paretoFront', () => {
  it('keeps only the points nothing beats on both rate and quality', () => {
    const pts = [
      { rate: 0.1, quality: 25 },
      { rate: 0.2, quality: 24 },
      { rate: 0.05, quality: 22 },
      { rate: 0.3, quality: 27 },
    ];
    expect(paretoFront(pts)).toEqual([pts[2], pts[0], pts[3]]);
  });
});
