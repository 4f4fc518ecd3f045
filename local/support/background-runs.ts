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

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
