import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createVerificationWatch } from '../../src/pages/demo/browser/verification-watch.ts';

/**
 * The demo page's reads of GET /otp/verifications/{id}, which count against the visitor's verify
 * limit: bounded however long the page stays open. Only time is faked.
 */
describe("the demo page's verification watch", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads at most maxReads times, every everyMs, while every read says to keep reading', async () => {
    const read = vi.fn(async () => 'pending');
    const watch = createVerificationWatch({
      read,
      onRead: () => 'keep_reading',
      everyMs: 5_000,
      maxReads: 12,
    });
    watch.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(read).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(read).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(read).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(read).toHaveBeenCalledTimes(12);
  });

  it('stops at the first read the page calls done (a final delivery status, an approved code)', async () => {
    const states = ['queued', 'sent', 'delivered', 'never read'];
    const read = vi.fn(async () => states.shift());
    const seen: string[] = [];
    const watch = createVerificationWatch({
      read,
      onRead: (state) => {
        seen.push(state);
        return state === 'delivered' ? 'done' : 'keep_reading';
      },
      everyMs: 5_000,
      maxReads: 12,
    });
    watch.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(seen).toEqual(['queued', 'sent', 'delivered']);
    expect(read).toHaveBeenCalledTimes(3);
  });

  it('counts a failed read, and reads nothing after stop()', async () => {
    const read = vi.fn(async () => undefined);
    const onRead = vi.fn(() => 'keep_reading' as const);
    const watch = createVerificationWatch({ read, onRead, everyMs: 5_000, maxReads: 3 });
    watch.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(read).toHaveBeenCalledTimes(3);
    expect(onRead).not.toHaveBeenCalled();

    read.mockClear();
    watch.start();
    await vi.advanceTimersByTimeAsync(0);
    watch.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('drops a read that lands after a restart: it shows the verification before the switch the page made', async () => {
    const answers: ((state: string) => void)[] = [];
    const read = () => new Promise<string>((resolve) => answers.push(resolve));
    const seen: string[] = [];
    const watch = createVerificationWatch({
      read,
      onRead: (state) => {
        seen.push(state);
        return 'keep_reading';
      },
      everyMs: 5_000,
      maxReads: 12,
    });
    watch.start();
    watch.start();
    answers[0]?.('sms, before the switch');
    answers[1]?.('voice, after the switch');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['voice, after the switch']);
  });
});
