/**
 * Named countdowns; starting one under a name ends the previous one of that name. They run against
 * a deadline rather than counting ticks, so a throttled background tab still ends on time.
 */
export function createCountdowns() {
  const timers = new Map<string, ReturnType<typeof setInterval>>();
  const stop = (name: string) => {
    clearInterval(timers.get(name));
    timers.delete(name);
  };
  return {
    start(name: string, seconds: number, tick: (secondsLeft: number) => void, done: () => void): void {
      stop(name);
      const deadline = Date.now() + Math.max(0, seconds) * 1000;
      const step = () => {
        const left = Math.ceil((deadline - Date.now()) / 1000);
        if (left <= 0) {
          stop(name);
          done();
          return false;
        }
        tick(left);
        return true;
      };
      if (step()) timers.set(name, setInterval(step, 250));
    },
    stop,
    stopAll(): void {
      for (const name of [...timers.keys()]) stop(name);
    },
  };
}
