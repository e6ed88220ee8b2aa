import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { probeVideo } from '../../src/media/probe.js';
import { writeSyntheticMp4 } from '../../src/media/synthetic-mp4.js';

const run = promisify(execFile);
const LIRN = join(import.meta.dirname, '../../bin/lirn.js');
let dir = '';
let source = '';
const ENCODE = [
  '--profile',
  'S',
  '--iterations',
  '150',
  '--segment-seconds',
  '1',
  '--chunk-segments',
  '1',
  '--no-scene-cuts',
  '--seed',
  '5',
];

async function lirn(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [LIRN, ...args], { maxBuffer: 1 << 24 });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lirn-cli-'));
  source = join(dir, 'source.mp4');
  await writeSyntheticMp4({ path: source, width: 48, height: 32, frames: 36, fps: 12, seed: 9 });
});

describe('lirn encode / decode', () => {
  it('encodes ≥3 chunks and decodes at two sizes and two frame rates', async () => {
    const out = join(dir, 'a.lirn');
    await lirn('encode', '-i', source, '-o', out, ...ENCODE);
    const info = JSON.parse((await lirn('info', out, '--json')).stdout);
    expect(info.chunks.length).toBeGreaterThanOrEqual(3);
    expect(info.frames).toBe(36);
    const bytes = (await readFile(out)).length;
    expect(info.bytes).toBe(bytes);
    expect(info.components.reduce((n: number, c: { bytes: number }) => n + c.bytes, 0)).toBe(bytes);
    for (const [size, fps, frames] of [
      ['48x32', '12', 36],
      ['96x64', '24', 71],
      ['33x21', '6', 18],
    ] as const) {
      const mp4 = join(dir, `a-${size}-${fps}.mp4`);
      await lirn('decode', '-i', out, '-o', mp4, '--size', size, '--fps', fps);
      const probe = await probeVideo(mp4);
      expect(`${probe.width}x${probe.height}`).toBe(size);
      expect(probe.fps.num / probe.fps.den).toBeCloseTo(Number(fps), 6);
      expect(probe.frameCount).toBe(frames);
    }
  });

  it('encodes on a wall-time budget with --minutes, and refuses a bad one', async () => {
    const out = join(dir, 'timed.lirn');
    const args = ENCODE.filter((_, i) => i !== 2 && i !== 3); // without --iterations
    const started = performance.now();
    await lirn('encode', '-i', source, '-o', out, ...args, '--minutes', '0.03');
    // 1.8 s of training over the chunks, plus start-up, scanning and coding.
    expect(performance.now() - started).toBeGreaterThan(1800);
    const info = JSON.parse((await lirn('info', out, '--json')).stdout);
    expect(info.chunks.length).toBeGreaterThanOrEqual(3);
    expect(info.frames).toBe(36);
    await expect(lirn('encode', '-i', source, '-o', out, '--minutes', '0')).rejects.toThrow(/--minutes/);
  });

  it('transcodes video → .lirn → MP4 at another size and frame rate in one command', async () => {
    const out = join(dir, 'round-trip.mp4');
    await lirn('transcode', '-i', source, '-o', out, ...ENCODE, '--out-size', '24x16', '--out-fps', '6');
    const probe = await probeVideo(out);
    expect([probe.width, probe.height, probe.frameCount]).toEqual([24, 16, 18]);
    expect(probe.fps.num / probe.fps.den).toBeCloseTo(6, 6);
    expect(existsSync(`${out}.lirn`)).toBe(false);
  });

  it('a killed encode, run again, writes the same bytes as an uninterrupted one', async () => {
    // Long warm chunks, so the kill lands while the second chunk trains however fast the machine is.
    const KILL_ENCODE = [...ENCODE, '--warm-iterations', '500'];
    const straight = join(dir, 'straight.lirn');
    await lirn('encode', '-i', source, '-o', straight, ...KILL_ENCODE);
    const killed = join(dir, 'killed.lirn');
    const child = spawn(process.execPath, [LIRN, 'encode', '-i', source, '-o', killed, ...KILL_ENCODE], {
      stdio: 'ignore',
    });
    const work = `${killed}.work`;
    const deadline = Date.now() + 60_000;
    // Kill as soon as the first chunk's final checkpoint exists (the second chunk is then training or about to).
    while (Date.now() < deadline) {
      if (existsSync(work) && (await readdir(work)).includes('chunk-0000.ckpt')) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(killed)).toBe(false);
    const { stderr } = await lirn('encode', '-i', source, '-o', killed, ...KILL_ENCODE);
    expect(stderr).toMatch(/restored from its checkpoint/);
    expect((await readFile(killed)).equals(await readFile(straight))).toBe(true);
    expect(existsSync(work)).toBe(false);
  });

  it('rejects bad input with a clear error and writes nothing', async () => {
    const text = join(dir, 'notes.txt');
    await writeFile(text, 'this is not a video\n'.repeat(100));
    const out = join(dir, 'bad.lirn');
    await expect(lirn('encode', '-i', text, '-o', out, ...ENCODE)).rejects.toMatchObject({
      stderr: expect.stringMatching(/notes\.txt/),
    });
    await expect(lirn('encode', '-i', join(dir, 'missing.mp4'), '-o', out)).rejects.toMatchObject({
      stderr: expect.stringMatching(/missing\.mp4/),
    });
    await expect(lirn('encode', '-i', source, '-o', out, '--size', '0x10')).rejects.toMatchObject({
      stderr: expect.stringMatching(/width 0/),
    });
    await expect(lirn('encode', '-i', source, '-o', out, '--size', '9000x10')).rejects.toMatchObject({
      stderr: expect.stringMatching(/9000/),
    });
    await expect(lirn('encode', '-i', source, '-o', out, '--profile', 'XL')).rejects.toMatchObject({
      stderr: expect.stringMatching(/unknown profile 'XL'/),
    });
    await expect(lirn('encode', '-i', source, '-o', out, '--frame-levels', 'maybe')).rejects.toMatchObject({
      stderr: expect.stringMatching(/--frame-levels must be auto, on or off, got 'maybe'/),
    });
    await expect(lirn('decode', '-i', text, '-o', join(dir, 'x.mp4'))).rejects.toMatchObject({
      stderr: expect.stringMatching(/malformed file/),
    });
    expect(existsSync(out)).toBe(false);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
