import { describe, expect, it } from 'vitest';
import { createRequestTimings, serverTimingHeader } from '../../../src/http/server-timing.ts';

/** A clock the test moves by hand, and a call that ends when the test says so. */
function manualClock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function pending() {
  let finish: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { promise, finish };
}

describe('request timings (the spans of Server-Timing and the log line)', () => {
  it('the Worker time is the total minus the union of awaited calls: overlapping calls count once', async () => {
    const clock = manualClock();
    const timings = createRequestTimings(clock.now);
    clock.advance(2); // the Worker's own work before any call
    const store = pending();
    const provider = pending();
    const storeCall = timings.time('store', () => store.promise);
    clock.advance(10);
    const providerCall = timings.time('provider', () => provider.promise);
    clock.advance(20); // both in flight
    store.finish();
    await storeCall;
    clock.advance(30); // the provider alone
    provider.finish();
    await providerCall;
    clock.advance(3); // the Worker's own work after
    // store 30 (0+10+20), provider 50 (20+30), awaited 60 in all (10+20+30), total 65.
    expect(timings.spans()).toEqual({ store: 30, provider: 50, worker: 5, total: 65 });
  });

  it('a failing call is timed too, and spans only name what was called, in a fixed order', async () => {
    const clock = manualClock();
    const timings = createRequestTimings(clock.now);
    await expect(
      timings.time('siteverify', async () => {
        clock.advance(7);
        throw new Error('down');
      }),
    ).rejects.toThrow('down');
    await timings.time('store', async () => {
      clock.advance(4);
    });
    clock.advance(1);
    expect(Object.keys(timings.spans())).toEqual(['store', 'siteverify', 'worker', 'total']);
    expect(timings.spans()).toEqual({ store: 4, siteverify: 7, worker: 1, total: 12 });
  });

  it('whole milliseconds only, in the header as in the spans', () => {
    const clock = manualClock();
    const timings = createRequestTimings(clock.now);
    clock.advance(1.4);
    const spans = timings.spans();
    expect(spans).toEqual({ worker: 1, total: 1 });
    expect(serverTimingHeader({ store: 21, worker: 1, total: 22 })).toBe(
      'store;dur=21, worker;dur=1, total;dur=22',
    );
  });
});
