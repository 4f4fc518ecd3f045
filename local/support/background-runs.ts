// The lifecycles a sandbox plays after answering a request (a message's status callbacks, a
// call's answer and hangup requests): each can be cancelled, all at once, so one test's late
// traffic cannot reach the next test or outlive close().

export class BackgroundRuns {
  readonly #runs = new Set<{ controller: AbortController; done: Promise<void> }>();
  readonly #log: (line: string) => void;
  #closed = false;

  constructor(log: (line: string) => void) {
    this.#log = log;
  }

  /** Runs `play` in the background; an error that is not a cancellation is logged under `label`. */
  start(label: string, play: (signal: AbortSignal) => Promise<void>): void {
    if (this.#closed) return;
    const controller = new AbortController();
    const run = {
      controller,
      done: play(controller.signal)
        .catch((error: unknown) => {
          if (!controller.signal.aborted) this.#log(`${label} stopped: ${describeError(error)}`);
        })
        .finally(() => this.#runs.delete(run)),
    };
    this.#runs.add(run);
  }

  /**
   * Stops every run in progress: nothing more happens after this call returns (the abort is
   * synchronous); the promise settles once in-flight requests have been torn down.
   */
  cancelAll(): Promise<void> {
    const runs = [...this.#runs];
    for (const run of runs) run.controller.abort();
    return Promise.all(runs.map((run) => run.done)).then(() => undefined);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.cancelAll();
  }
}

/**
 * Stops `runs` and empties `records` at once, so a run stopped here records nothing more and a
 * request made right after this call is not wiped by it; resolves once the runs are torn down.
 */
export async function cancelAndForget(
  runs: { cancelAll(): Promise<void> },
  ...records: { clear(): void }[]
): Promise<void> {
  const cancelled = runs.cancelAll();
  for (const each of records) each.clear();
  await cancelled;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
