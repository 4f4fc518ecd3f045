/** What the page makes of one read: read again later, or nothing more can change that it shows. */
export type WatchVerdict = 'keep_reading' | 'done';

export interface WatchOptions<T> {
  /** One read; undefined when it failed (it still counts, so a failing API is not hammered). */
  read: () => Promise<T | undefined>;
  onRead: (state: T) => WatchVerdict;
  everyMs: number;
  maxReads: number;
}

export interface VerificationWatch {
  /** Reads now and then every `everyMs`, at most `maxReads` times; ends any earlier watch. */
  start(): void;
  /** One extra read now (after a wrong code), outside the schedule. */
  readNow(): void;
  /** No more reads, and a read still on its way is dropped when it lands. */
  stop(): void;
}

/**
 * Reads the verification a bounded number of times: every GET /otp/verifications/{id} counts
 * against the caller's verify limit (RATE_LIMIT_VERIFY_PER_IP), so a page left open must stop on
 * its own. A read that lands after stop() or a newer start() belongs to a verification state the
 * page has moved past (a switch it made itself) and is dropped.
 */
export function createVerificationWatch<T>(options: WatchOptions<T>): VerificationWatch {
  let generation = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const stop = () => {
    generation += 1;
    clearTimeout(timer);
    timer = undefined;
  };

  /** One read for this generation; true when the watch should go on. */
  const readOnce = async (mine: number): Promise<boolean> => {
    const state = await options.read();
    if (mine !== generation) return false;
    if (state === undefined) return true;
    if (options.onRead(state) === 'keep_reading') return true;
    stop();
    return false;
  };

  return {
    start() {
      stop();
      const mine = generation;
      let reads = 0;
      const tick = async () => {
        reads += 1;
        const goOn = await readOnce(mine);
        if (goOn && mine === generation && reads < options.maxReads)
          timer = setTimeout(tick, options.everyMs);
      };
      void tick();
    },
    readNow() {
      void readOnce(generation);
    },
    stop,
  };
}
