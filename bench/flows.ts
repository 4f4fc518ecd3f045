/**
 * One complete user flow against the running Worker, as a client would drive it: POST /otp/request,
 * read the code from the Plivo sandbox inbox (the "phone"), POST /otp/verify. Plain fetch: no
 * load-testing dependency, and every flow checks its own answers.
 */
import { classifyNumberKind } from '../src/phone/number-kind.ts';
import { parsePhone } from '../src/phone/parse-phone.ts';

export interface FlowResult {
  requestMs: number;
  verifyMs: number | undefined;
  requestStatus: number;
  verifyStatus: number | undefined;
  /** The answers' `Server-Timing` headers (src/http/server-timing.ts), when they carry one. */
  requestTiming: string | undefined;
  verifyTiming: string | undefined;
  /** Set when something other than an HTTP status went wrong (network error, no SMS, bad body). */
  failure: string | undefined;
}

export interface FlowTarget {
  workerUrl: string;
  sandboxUrl: string;
}

export interface FlowOptions {
  /** Send one wrong code before the right one (exercises the failure counter and its cleanup). */
  wrongGuessFirst?: boolean;
  /** Called between the steps, for per-endpoint measurements at concurrency 1. */
  between?: { afterRequest?: () => Promise<void>; afterVerify?: () => Promise<void> };
}

export async function runFlow(
  target: FlowTarget,
  phone: string,
  clientIp: string,
  options: FlowOptions = {},
): Promise<FlowResult> {
  const post = (path: string, body: unknown) =>
    fetch(`${target.workerUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': clientIp },
      body: JSON.stringify(body),
    });
  const result: FlowResult = {
    requestMs: 0,
    verifyMs: undefined,
    requestStatus: 0,
    verifyStatus: undefined,
    requestTiming: undefined,
    verifyTiming: undefined,
    failure: undefined,
  };
  try {
    let started = performance.now();
    const requested = await post('/otp/request', { phone });
    const { verificationId } = (await requested.json()) as { verificationId?: string };
    result.requestMs = performance.now() - started;
    result.requestStatus = requested.status;
    result.requestTiming = requested.headers.get('server-timing') ?? undefined;
    await options.between?.afterRequest?.();
    if (!requested.ok) return result;

    const code = await readCode(target.sandboxUrl, phone);
    if (code === undefined) {
      result.failure = 'no SMS in the sandbox';
      return result;
    }
    if (options.wrongGuessFirst) {
      const wrong = await post('/otp/verify', { verificationId, code: wrongCodeFor(code) });
      await wrong.arrayBuffer();
      if (wrong.status !== 400) result.failure = `wrong code answered ${wrong.status}`;
    }
    started = performance.now();
    const verified = await post('/otp/verify', { verificationId, code });
    const body = (await verified.json()) as { status?: string };
    result.verifyMs = performance.now() - started;
    result.verifyStatus = verified.status;
    result.verifyTiming = verified.headers.get('server-timing') ?? undefined;
    await options.between?.afterVerify?.();
    if (verified.ok && body.status !== 'approved') result.failure = 'verify answered 200 without approval';
  } catch (error) {
    result.failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  return result;
}

async function readCode(sandboxUrl: string, phone: string): Promise<string | undefined> {
  const response = await fetch(`${sandboxUrl}/__sandbox/messages?dst=${encodeURIComponent(phone)}`);
  const [latest] = (await response.json()) as { text: string }[];
  return latest?.text.match(/(?<!\d)(\d{4,10})(?!\d)/)?.[1];
}

function wrongCodeFor(code: string): string {
  return code.replace(/\d$/, (digit) => String((Number(digit) + 1) % 10));
}

/**
 * Distinct valid, SMS-capable US numbers: index → +1 415 EEE LLLL, skipping the few the metadata
 * refuses (N11 exchanges and the like) and the sandboxes' scripted endings. `offset` keeps runs in one process apart.
 */
export function numberSource(offset: number): () => string {
  let next = offset;
  return () => {
    for (;;) {
      const index = next++;
      const exchange = 200 + (Math.floor(index / 10_000) % 800);
      const line = index % 10_000;
      // The sandboxes script numbers whose last four digits are 00xx (refusals, failures).
      if (line < 100) continue;
      const candidate = `+1415${exchange}${String(line).padStart(4, '0')}`;
      const parsed = parsePhone(candidate);
      if (parsed.ok && parsed.e164 === candidate && classifyNumberKind(candidate).kind === 'allowed')
        return candidate;
    }
  };
}

/**
 * A distinct client IP per index (10.0.0.0/8), sent as CF-Connecting-IP: `wrangler dev` passes a
 * client's own header through (it sets it from the socket only when there is none), so each flow
 * is its own client to the limits, as on Cloudflare (test/browser/wrangler-client-ip.test.ts).
 */
export function clientIpFor(index: number): string {
  return `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;
}

/** Runs `count` tasks with at most `concurrency` in flight. */
export async function pool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>) {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** Nearest-rank percentile of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}
