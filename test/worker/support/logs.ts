import { vi } from 'vitest';

/** The lines the Worker wrote to the console while `action` ran (the request log is one per request). */
export async function captureLogs<T>(action: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const record = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  };
  const spies = [vi.spyOn(console, 'log'), vi.spyOn(console, 'error'), vi.spyOn(console, 'warn')].map((spy) =>
    spy.mockImplementation(record),
  );
  try {
    return { result: await action(), lines };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}
