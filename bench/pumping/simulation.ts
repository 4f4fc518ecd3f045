/**
 * Plays one scenario against a running Worker in wall time: the attack's requests at a steady pace
 * with bounded concurrency, each from a fresh address and never verified, and legitimate users
 * arriving throughout, each from its own address, who read their code from the sandbox inbox and
 * verify it 1-5 s later. Every loop is bounded in count and time; all traffic goes to 127.0.0.1.
 */
import type { CountryCode } from 'libphonenumber-js/max';
import { ATTACKED_COUNTRIES, attackNumbers } from './attacked-ranges.ts';
import { attackerAddresses, userAddresses } from './client-addresses.ts';
import { legitimateNumberSource } from './legitimate-numbers.ts';
import type { Scenario } from './scenarios.ts';
import { seededRandom } from './seeded-random.ts';

export interface SimulationTarget {
  workerUrl: string;
  sandboxUrl: string;
  /** A key from the Worker's API_KEYS: only a server caller may name the end user's IP. */
  apiKey: string;
}

export interface SimulationOptions {
  /** The attack is spread over this many seconds (it takes longer if the machine cannot keep up). */
  durationSeconds: number;
  /** Attack requests in flight at most. */
  concurrency: number;
  seed: number;
}

/** An answer as the harness saw it: the HTTP status and, for an error, its code and scope. */
export interface Answer {
  status: number;
  /** `rate_limited:country`, `unsupported_number`, `network: …` …; undefined for a 2xx. */
  refusal: string | undefined;
  /** From a 200 of POST /otp/request: what the user's verify takes. */
  verificationId?: string | undefined;
}

export interface AttackCall extends Answer {
  /** ms since the simulation started, when the request was sent. */
  atMs: number;
  country: string;
  phone: string;
  ip: string;
}

export interface UserFlow {
  atMs: number;
  country: string;
  phone: string;
  ip: string;
  request: Answer;
  /** Whether the code arrived in the sandbox inbox. */
  smsReceived: boolean;
  verify: Answer | undefined;
  /** ms since the simulation started, when the verify was approved. */
  servedAtMs: number | undefined;
}

export interface SimulationRecord {
  attack: AttackCall[];
  users: UserFlow[];
  /** Wall time the simulation took, ms. */
  elapsedMs: number;
  /** The attacker's numbers, by country. */
  attackNumbersByCountry: ReadonlyMap<string, readonly string[]>;
}

const CALL_TIMEOUT_MS = 15_000;
const SMS_WAIT_MS = 10_000;
const SMS_POLL_MS = 250;
const TYPING_MIN_MS = 1_000;
const TYPING_MAX_MS = 5_000;

export async function simulate(
  scenario: Scenario,
  target: SimulationTarget,
  options: SimulationOptions,
): Promise<SimulationRecord> {
  const random = seededRandom(options.seed);
  const usedAddresses = new Set<string>();
  const attacker = attackerAddresses(random, usedAddresses);
  const userAddress = userAddresses(random, usedAddresses);
  const legitimateNumber = legitimateNumberSource(random);

  const perCountry = Math.ceil(scenario.attackRequests / ATTACKED_COUNTRIES.length);
  const attackNumbersByCountry = new Map(
    ATTACKED_COUNTRIES.map((country) => [country.country, attackNumbers(country, perCountry)]),
  );
  const attackPlan = Array.from({ length: scenario.attackRequests }, (_, index) => {
    const country = ATTACKED_COUNTRIES[index % ATTACKED_COUNTRIES.length]?.country ?? 'GB';
    const phone = attackNumbersByCountry.get(country)?.[Math.floor(index / ATTACKED_COUNTRIES.length)] ?? '';
    return { country, phone, ip: attacker.next() };
  });
  const userPlan = shuffled(
    Object.entries(scenario.users).flatMap(([country, count]) =>
      Array.from({ length: count ?? 0 }, () => ({
        country,
        phone: legitimateNumber(country as CountryCode),
        ip: userAddress(),
        typingMs: TYPING_MIN_MS + random.below(TYPING_MAX_MS - TYPING_MIN_MS),
      })),
    ),
    random,
  );

  const durationMs = options.durationSeconds * 1000;
  const started = performance.now();
  const since = () => performance.now() - started;
  const deadline = durationMs * 3 + 30_000;
  const call = (path: string, ip: string, body: unknown) =>
    callApi(target, path, ip, body, Math.max(1, Math.min(CALL_TIMEOUT_MS, deadline - since())));

  const attack: AttackCall[] = [];
  const attackRun = (async () => {
    const inFlight = new Set<Promise<void>>();
    for (const [index, planned] of attackPlan.entries()) {
      const due = (index * durationMs) / attackPlan.length;
      if (due > since()) await sleep(due - since());
      while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
      if (since() > deadline) break;
      const atMs = since();
      const sent = call('/otp/request', planned.ip, { phone: planned.phone }).then((answer) => {
        attack.push({ atMs, ...planned, ...answer });
      });
      const tracked = sent.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
    await Promise.all(inFlight);
  })();

  const users = await Promise.all(
    userPlan.map(async (planned, index): Promise<UserFlow> => {
      // Arrivals spread evenly over the attack, each jittered within its slot.
      await sleep(((index + random.next()) * durationMs) / userPlan.length);
      const atMs = since();
      const flow: UserFlow = {
        atMs,
        country: planned.country,
        phone: planned.phone,
        ip: planned.ip,
        request: await call('/otp/request', planned.ip, { phone: planned.phone }),
        smsReceived: false,
        verify: undefined,
        servedAtMs: undefined,
      };
      if (flow.request.status !== 200) return flow;
      const code = await readCode(target.sandboxUrl, planned.phone);
      flow.smsReceived = code !== undefined;
      if (code === undefined) return flow;
      await sleep(planned.typingMs);
      flow.verify = await call('/otp/verify', planned.ip, {
        verificationId: flow.request.verificationId,
        code,
      });
      if (flow.verify.status === 200) flow.servedAtMs = since();
      return flow;
    }),
  );
  await attackRun;
  attack.sort((a, b) => a.atMs - b.atMs);
  return { attack, users, elapsedMs: since(), attackNumbersByCountry };
}

async function callApi(
  target: SimulationTarget,
  path: string,
  ip: string,
  body: unknown,
  timeoutMs: number,
): Promise<Answer> {
  try {
    const response = await fetch(`${target.workerUrl}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${target.apiKey}`,
        'x-end-user-ip': ip,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const answer = (await response.json()) as {
      status?: string;
      verificationId?: string;
      error?: { code?: string; scope?: string };
    };
    if (response.ok) {
      const approvedOrPending = answer.status === 'approved' || answer.status === 'pending';
      return {
        status: response.status,
        refusal: approvedOrPending ? undefined : `unexpected 2xx ${answer.status}`,
        verificationId: answer.verificationId,
      };
    }
    const code = answer.error?.code ?? 'no_error_body';
    return { status: response.status, refusal: answer.error?.scope ? `${code}:${answer.error.scope}` : code };
  } catch (error) {
    return { status: 0, refusal: `network: ${error instanceof Error ? error.name : String(error)}` };
  }
}

/** The code of the newest message to `phone`, as the user's phone shows it; bounded wait. */
async function readCode(sandboxUrl: string, phone: string): Promise<string | undefined> {
  const deadline = performance.now() + SMS_WAIT_MS;
  while (performance.now() < deadline) {
    const response = await fetch(`${sandboxUrl}/__sandbox/messages?dst=${encodeURIComponent(phone)}`);
    const [latest] = (await response.json()) as { text: string }[];
    const code = latest?.text.match(/(?<!\d)(\d{4,10})(?!\d)/)?.[1];
    if (code !== undefined) return code;
    await sleep(SMS_POLL_MS);
  }
  return undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function shuffled<T>(items: T[], random: { below(bound: number): number }): T[] {
  for (let index = items.length - 1; index > 0; index--) {
    const other = random.below(index + 1);
    [items[index], items[other]] = [items[other] as T, items[index] as T];
  }
  return items;
}
