import { describe, expect, it } from 'vitest';
import { InProcessQueue, type JobContext } from '../../src/server/jobs/queue.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('InProcessQueue', () => {
  it('runs jobs one at a time in order, ignores duplicates, reports idle', async () => {
    const log: string[] = [];
    const gates = new Map<string, ReturnType<typeof deferred>>();
    const queue = new InProcessQueue(async (id) => {
      log.push(`start ${id}`);
      const gate = deferred();
      gates.set(id, gate);
      await gate.promise;
      log.push(`end ${id}`);
    });
    await queue.enqueue('a');
    await queue.enqueue('b');
    await queue.enqueue('a');
    await queue.enqueue('b');
    await new Promise((r) => setTimeout(r, 5));
    expect(log).toEqual(['start a']);
    gates.get('a')!.resolve();
    await new Promise((r) => setTimeout(r, 5));
    expect(log).toEqual(['start a', 'end a', 'start b']);
    gates.get('b')!.resolve();
    await queue.idle();
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('cancel removes a queued job and aborts a running one; close interrupts and refuses new jobs', async () => {
    const seen: string[] = [];
    const queue = new InProcessQueue(async (id, { signal }: JobContext) => {
      seen.push(id);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      seen.push(`${id} aborted`);
    });
    await queue.enqueue('x');
    await queue.enqueue('y');
    await queue.cancel('y');
    await queue.cancel('x');
    expect(seen).toEqual(['x', 'x aborted']);
    await queue.idle();
    await queue.enqueue('z');
    await new Promise((r) => setTimeout(r, 5));
    await queue.close();
    expect(seen).toEqual(['x', 'x aborted', 'z', 'z aborted']);
    await expect(queue.enqueue('w')).rejects.toThrow(/closed/);
  });

  it('delivers events to the video’s subscribers only, survives a throwing subscriber, reports job errors', async () => {
    const errors: string[] = [];
    const queue = new InProcessQueue(
      async (id, { emit }) => {
        emit({ type: 'progress', progress: { phase: 'train', fraction: 0.5 } });
        if (id === 'bad') throw new Error('boom');
        emit({ type: 'state', state: 'ready' });
      },
      2,
      (id, e) => errors.push(`${id}: ${(e as Error).message}`),
    );
    const got: string[] = [];
    queue.subscribe('good', () => {
      throw new Error('subscriber failure');
    });
    const off = queue.subscribe('good', (e) => got.push(e.type));
    queue.subscribe('bad', (e) => got.push(`bad ${e.type}`));
    await queue.enqueue('good');
    await queue.enqueue('bad');
    await queue.idle();
    expect(got.sort()).toEqual(['bad progress', 'progress', 'state']);
    expect(errors).toEqual(['bad: boom']);
    off();
    await queue.enqueue('good');
    await queue.idle();
    expect(got).toHaveLength(3);
  });
});
