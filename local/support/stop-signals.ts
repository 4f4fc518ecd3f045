// A server run in the foreground stops on Ctrl-C (SIGINT) or SIGTERM: it closes and the process
// exits 0; a second signal means "now" and exits 1. The handlers go in before the server starts: a
// supervisor may signal as soon as it reads the ready line, and a signal arriving before its
// handler exists kills the process with no clean exit.

export interface Closable {
  close(): Promise<void>;
}

/** Installs the handlers now; `closeOnStop` hands them the server once it runs (a signal before that exits 0). */
export function handleStopSignals(): { closeOnStop(server: Closable): void } {
  let running: Closable | null = null;
  let stopping = false;
  async function stop(): Promise<void> {
    if (stopping) process.exit(1);
    stopping = true;
    await running?.close();
    process.exit(0);
  }
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  return {
    closeOnStop: (server) => {
      running = server;
    },
  };
}
