/**
 * A V8 CPU profile of one Worker in workerd, through the inspector Miniflare opens
 * (`inspectorPort`), over the Chrome DevTools Protocol: Profiler.start, the calls, Profiler.stop.
 * Then where the samples fell: by source module (esbuild's `// path` comments in an unminified
 * bundle mark where each module begins) and by function.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfilerSession {
  start(): Promise<void>;
  stop(): Promise<CpuProfile>;
  close(): void;
}

/** Connects to the inspector target of `workerName` (Miniflare names it `core:user:{name}`). */
export async function openProfiler(inspectorPort: number, workerName: string): Promise<ProfilerSession> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as {
    id: string;
    title?: string;
    webSocketDebuggerUrl: string;
  }[];
  const target = targets.find((entry) => `${entry.id} ${entry.title}`.includes(workerName));
  if (!target) throw new Error(`no inspector target for ${workerName}: ${JSON.stringify(targets)}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, (result: unknown) => void>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: unknown };
    if (message.id === undefined) return;
    const resolve = pending.get(message.id);
    pending.delete(message.id);
    resolve?.(message.error === undefined ? message.result : { error: message.error });
  });
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  await send('Profiler.enable');
  // 100 µs: a request of a few ms gets tens of samples.
  await send('Profiler.setSamplingInterval', { interval: 100 });
  return {
    start: async () => {
      await send('Profiler.start');
    },
    stop: async () => ((await send('Profiler.stop')) as { profile: CpuProfile }).profile,
    close: () => socket.close(),
  };
}

/** Line (0-based) → the module esbuild bundled there, from its `// src/…` comments. */
function moduleIndex(source: string): (line: number) => string {
  const starts: { line: number; module: string }[] = [];
  source.split('\n').forEach((text, line) => {
    const match = /^\/\/ ((?:src|node_modules|bench)\/\S+)$/.exec(text);
    if (match?.[1]) starts.push({ line, module: match[1] });
  });
  return (line) => {
    let found = '(bundle preamble)';
    for (const start of starts) {
      if (start.line > line) break;
      found = start.module;
    }
    return found;
  };
}

/** `node_modules/zod/v4/core/schemas.js` → `zod`; `src/otp/x.ts` → itself. */
export function packageOf(module: string): string {
  const match = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module);
  return match?.[1] ?? module;
}

export interface ProfileBreakdown {
  /** Sampled ms in total (the profile's whole duration, idle included). */
  totalMs: number;
  idleMs: number;
  /** Self time by module, ms, busiest first. */
  byModule: { module: string; ms: number }[];
  /** Self time by function (name @ module:line), ms, busiest first. */
  byFunction: { name: string; ms: number }[];
  /** Time with the frame anywhere on the stack, by module (inclusive), ms. */
  inclusiveByModule: { module: string; ms: number }[];
}

export function breakDown(profile: CpuProfile, bundleSource: string): ProfileBreakdown {
  const moduleAt = moduleIndex(bundleSource);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  const where = (frame: CallFrame) =>
    frame.url === '' ? `(native) ${frame.functionName || '(anonymous)'}` : moduleAt(frame.lineNumber);
  const modules = new Map<string, number>();
  const functions = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let idleMs = 0;
  let totalMs = 0;
  for (const [id, ms] of selfMs) {
    const node = byId.get(id);
    if (!node) continue;
    totalMs += ms;
    const name = node.callFrame.functionName;
    if (name === '(idle)' || name === '(program)' || name === '(root)') {
      idleMs += ms;
      continue;
    }
    const module = where(node.callFrame);
    modules.set(module, (modules.get(module) ?? 0) + ms);
    const label = `${name || '(anonymous)'} @ ${module}:${node.callFrame.lineNumber + 1}`;
    functions.set(label, (functions.get(label) ?? 0) + ms);
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const frame = byId.get(current)?.callFrame;
      if (!frame || frame.functionName === '(root)') continue;
      const owner = where(frame);
      if (seen.has(owner)) continue;
      seen.add(owner);
      inclusive.set(owner, (inclusive.get(owner) ?? 0) + ms);
    }
  }
  const sorted = (map: Map<string, number>) =>
    [...map].sort((a, b) => b[1] - a[1]).map(([key, ms]) => ({ key, ms }));
  return {
    totalMs,
    idleMs,
    byModule: sorted(modules).map(({ key, ms }) => ({ module: key, ms })),
    byFunction: sorted(functions).map(({ key, ms }) => ({ name: key, ms })),
    inclusiveByModule: sorted(inclusive).map(({ key, ms }) => ({ module: key, ms })),
  };
}
