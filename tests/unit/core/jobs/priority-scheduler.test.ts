import { describe, expect, it } from 'vitest';
import { PriorityScheduler } from '../../../../src-main/core/jobs/priority-scheduler';
import { EtaEstimator } from '../../../../src-main/core/jobs/eta';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('PriorityScheduler', () => {
  it('runs an interactive call after the batch step in flight, before the next batch step', async () => {
    const s = new PriorityScheduler();
    const order: string[] = [];
    const stepA = deferred();
    const a = s.batch(async () => {
      order.push('batch A start');
      await stepA.promise;
      order.push('batch A end');
    });
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(s.state.batchBusy).toBe(true);
    const b = s.batch(() => Promise.resolve(void order.push('batch B')));
    const click = s.interactive(() => Promise.resolve(void order.push('click')));
    stepA.resolve();
    await Promise.all([a, b, click]);
    expect(order).toEqual(['batch A start', 'batch A end', 'click', 'batch B']);
  });

  it('lets interactive calls run together and batch wait for all of them', async () => {
    const s = new PriorityScheduler();
    const order: string[] = [];
    const gate = deferred();
    const c1 = s.interactive(async () => {
      order.push('c1 start');
      await gate.promise;
      order.push('c1 end');
    });
    const c2 = s.interactive(() => Promise.resolve(void order.push('c2')));
    const b = s.batch(() => Promise.resolve(void order.push('batch')));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['c1 start', 'c2']);
    gate.resolve();
    await Promise.all([c1, c2, b]);
    expect(order).toEqual(['c1 start', 'c2', 'c1 end', 'batch']);
  });

  it('a batch waiter aborted while waiting rejects and passes the turn on', async () => {
    const s = new PriorityScheduler();
    const gate = deferred();
    const click = s.interactive(() => gate.promise);
    const ctrl = new AbortController();
    const aborted = s.batch(() => Promise.resolve('never'), ctrl.signal);
    const other = s.batch(() => Promise.resolve('ran'));
    await new Promise((r) => setImmediate(r));
    ctrl.abort(new Error('cancelled'));
    gate.resolve();
    await click;
    await expect(aborted).rejects.toThrow('cancelled');
    await expect(other).resolves.toBe('ran');
    expect(s.state).toEqual({ interactive: 0, batchBusy: false, batchWaiting: 0 });
  });
});

describe('EtaEstimator', () => {
  it('is null before the first item, then follows the recent pace', () => {
    const eta = new EtaEstimator(0, 0.5);
    expect(eta.etaMs(10)).toBeNull();
    eta.tick(100);
    expect(eta.etaMs(10)).toBe(1000);
    eta.tick(400); // 300 ms item: mean 100 + 0.5·200 = 200
    expect(eta.etaMs(5)).toBe(1000);
    expect(eta.etaMs(0)).toBe(0);
  });
});
