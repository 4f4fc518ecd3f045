import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { createApp } from '../../../src/app.ts';
import { type Clock, cryptoRandom, type RandomSource, systemClock } from '../../../src/otp/ports.ts';
import { classifyNumberKind } from '../../../src/phone/number-kind.ts';
import { parsePhone } from '../../../src/phone/parse-phone.ts';

/**
 * Helpers that talk to the real local stack started by test/global-setup.ts: the Upstash-compatible
 * REST server in front of a real redis-server, and the Plivo sandbox. Nothing here mocks the
 * store or the sender; tests read what really ended up in Redis and in the sandbox inbox.
 */

const bindings = env as unknown as Record<string, string>;
const redisUrl = bindings.UPSTASH_REDIS_REST_URL as string;
const redisToken = bindings.UPSTASH_REDIS_REST_TOKEN as string;
export const plivoUrl = bindings.PLIVO_BASE_URL as string;

let prefixCounter = 0;

/** Test env with its own Redis key prefix, so files and tests never see each other's state. */
export function testEnv(overrides: Record<string, string> = {}): Record<string, unknown> {
  prefixCounter += 1;
  const unique = `t${Date.now().toString(36)}${prefixCounter}${Math.floor(Math.random() * 1e6).toString(36)}:`;
  // Events only where a test asks for them (EVENT_WEBHOOK_URL in `overrides`): the queue's
  // consumer would otherwise make store round trips while other files count theirs.
  const { EVENT_WEBHOOK_URL: _eventsOnlyWhenAsked, ...base } = bindings;
  return { ...base, KEY_PREFIX: unique, ...overrides };
}

export interface TestApp {
  env: Record<string, unknown>;
  call(path: string, init?: RequestInit): Promise<Response>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
}

/** A fresh app on a fresh key prefix. Only time and randomness may be faked. */
export function testApp(
  overrides: Record<string, string> = {},
  runtime: { clock?: Clock; random?: RandomSource } = {},
): TestApp {
  const app = createApp({ clock: runtime.clock ?? systemClock, random: runtime.random ?? cryptoRandom });
  const appEnv = testEnv(overrides);
  async function call(path: string, init: RequestInit = {}) {
    const ctx = createExecutionContext();
    const response = await app.request(path, init, appEnv, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  }
  return {
    env: appEnv,
    call,
    // The app is called directly, not behind Cloudflare or wrangler dev: CF-Connecting-IP is what
    // the edge would set, and a test names another client by passing its own.
    post: (path, body, headers = {}) =>
      call(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.7', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
  };
}

let phoneCounter = 0;

/** A valid, unique US number (FIXED_LINE_OR_MOBILE in the metadata, so SMS-capable). */
export function uniquePhone(): string {
  for (;;) {
    phoneCounter += 1;
    const line = (Date.now() * 7 + phoneCounter * 7919 + Math.floor(Math.random() * 1000)) % 10_000;
    const exchange = 200 + ((phoneCounter * 37 + Math.floor(Math.random() * 700)) % 700);
    const candidate = `+1415${exchange}${String(line).padStart(4, '0')}`;
    if (!scriptedBySandbox(candidate)) return candidate;
  }
}

/**
 * The Plivo sandbox scripts numbers by their last four digits (0000 and 0001 fail SMS delivery,
 * 0010-0013 calls, 0020 is refused outright: docs/local-stack.md). A number drawn at random must not
 * land there by chance, or a test meets a scripted failure one run in a few hundred; tests that want
 * one build it on purpose.
 */
export function scriptedBySandbox(e164: string): boolean {
  return /00\d\d$/.test(e164);
}

/**
 * A valid, unique mobile number of one country: `prefix` (+ country code and mobile range) and
 * `digits` more. Not every range is allocated, so a candidate the service itself would refuse is
 * skipped rather than failing a test by chance.
 */
export function uniqueMobile(prefix: string, digits: number, country: string): string {
  for (;;) {
    phoneCounter += 1;
    const draw = (Date.now() * 13 + phoneCounter * 7919 + Math.floor(Math.random() * 1e6)) % 10 ** digits;
    const candidate = `${prefix}${String(draw).padStart(digits, '0')}`;
    if (scriptedBySandbox(candidate)) continue;
    const parsed = parsePhone(candidate);
    if (parsed.ok && parsed.country === country && classifyNumberKind(parsed.e164).kind === 'allowed') {
      return candidate;
    }
  }
}

async function redisCommand(command: (string | number)[]): Promise<unknown> {
  const response = await fetch(redisUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${redisToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(command),
  });
  const body = (await response.json()) as { result?: unknown; error?: string };
  if (body.error) throw new Error(body.error);
  return body.result;
}

/** Every key under a prefix with its type, TTL and raw content, as a Redis dump would show it. */
export async function dumpRedis(
  prefix: string,
): Promise<{ key: string; type: string; pttl: number; value: unknown }[]> {
  const keys = ((await redisCommand(['KEYS', `${prefix}*`])) as string[]).sort();
  const dump = [];
  for (const key of keys) {
    const type = (await redisCommand(['TYPE', key])) as string;
    const pttl = (await redisCommand(['PTTL', key])) as number;
    const value =
      type === 'hash'
        ? await redisCommand(['HGETALL', key])
        : type === 'string'
          ? await redisCommand(['GET', key])
          : type === 'zset'
            ? await redisCommand(['ZRANGE', key, 0, -1, 'WITHSCORES'])
            : type;
    dump.push({ key, type, pttl, value });
  }
  return dump;
}

export async function redis(command: (string | number)[]): Promise<unknown> {
  return redisCommand(command);
}

export interface RestStats {
  requests: number;
  commands: number;
}

export async function restStats(): Promise<RestStats> {
  const response = await fetch(`${redisUrl}/__stats`, { headers: { authorization: `Bearer ${redisToken}` } });
  return (await response.json()) as RestStats;
}

/** Store round trips (HTTP requests to the REST server) made while `action` ran. */
export async function countRoundTrips<T>(
  action: () => Promise<T>,
): Promise<{ result: T; roundTrips: number }> {
  const before = await restStats();
  const result = await action();
  const after = await restStats();
  return { result, roundTrips: after.requests - before.requests };
}

export async function injectStoreFault(fault: {
  status?: number;
  delayMs?: number;
  count?: number;
  /** Store requests served normally first: a failure in the middle of a request. */
  skip?: number;
}) {
  await fetch(`${redisUrl}/__faults`, {
    method: 'POST',
    headers: { authorization: `Bearer ${redisToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
}

export async function clearStoreFaults() {
  await fetch(`${redisUrl}/__faults`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${redisToken}` },
  });
}

export interface SandboxMessage {
  uuid: string;
  src: string | null;
  dst: string;
  type: 'sms' | 'whatsapp';
  /** null for WhatsApp: the template carries the code. */
  text: string | null;
  template: {
    name: string;
    language: string;
    components: { type: string; subType: string | null; index: string | null; parameters: string[] }[];
  } | null;
  status: string;
  /** What the service asked Plivo to keep (`false`: neither number nor text). */
  log: unknown;
  messageExpiry: number | null;
  url: string | null;
}

export async function sandboxMessages(dst?: string): Promise<SandboxMessage[]> {
  const query = dst ? `?dst=${encodeURIComponent(dst)}` : '';
  const response = await fetch(`${plivoUrl}/__sandbox/messages${query}`);
  return (await response.json()) as SandboxMessage[];
}

export async function sandboxAttempts(): Promise<{ dst: string; outcome: string; status: number }[]> {
  const response = await fetch(`${plivoUrl}/__sandbox/requests`);
  return (await response.json()) as { dst: string; outcome: string; status: number }[];
}

/**
 * The code in the newest message to this number, as the user would read it: in an SMS, in every
 * language the first run of 6-10 digits (the lifetime has at most 2, the code at least 6); in a
 * WhatsApp template, its body parameter.
 */
export async function latestCode(phoneE164: string): Promise<string> {
  const [latest] = await sandboxMessages(phoneE164);
  if (latest?.type === 'whatsapp') {
    const body = latest.template?.components.find((component) => component.type === 'body');
    const code = body?.parameters[0];
    if (!code) throw new Error(`no code in the WhatsApp template to ${phoneE164}`);
    return code;
  }
  const match = latest?.text?.match(/(?<!\d)(\d{6,10})(?!\d)/);
  if (!match?.[1]) throw new Error(`no code SMS for ${phoneE164}`);
  return match[1];
}

export async function injectSmsFault(fault: { status?: number; delayMs?: number; count?: number }) {
  await fetch(`${plivoUrl}/__sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
}

export async function clearSmsFaults() {
  await fetch(`${plivoUrl}/__sandbox/faults`, { method: 'DELETE' });
}

/** Starts all calls at once, after every promise is created: a start barrier for races. */
export async function race<T>(count: number, call: (index: number) => Promise<T>): Promise<T[]> {
  let open!: () => void;
  const barrier = new Promise<void>((resolve) => {
    open = resolve;
  });
  const calls = Array.from({ length: count }, (_, index) => barrier.then(() => call(index)));
  open();
  return Promise.all(calls);
}

/** POST /otp/request that must succeed: the new verification's id. */
export async function startVerification(
  app: TestApp,
  phone: string,
  headers: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): Promise<string> {
  const response = await app.post('/otp/request', { phone, ...extra }, headers);
  const body = (await response.json()) as { verificationId?: string; error?: { code: string } };
  if (response.status !== 200 || !body.verificationId) {
    throw new Error(`request for ${phone} answered ${response.status} ${body.error?.code ?? ''}`);
  }
  return body.verificationId;
}

/** The verification id of a request's 200 answer, or undefined for any other answer. */
export async function verificationIdOf(response: Response): Promise<string | undefined> {
  if (response.status !== 200) return undefined;
  return ((await response.clone().json()) as { verificationId?: string }).verificationId;
}
