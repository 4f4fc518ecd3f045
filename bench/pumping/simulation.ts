/**
 * Plays one scenario's traffic plan (traffic-plan.ts) against a running Worker in wall time: the
 * attacker's or stranger's requests at a steady pace with bounded concurrency, each from a fresh
 * address and never verified, and the users, each from its own address, who ask for a code
 * (solving a challenge when asked), read it from the sandbox inbox and verify it after their
 * delay, unless they abandon. Every loop is bounded in count and time; all traffic goes to 127.0.0.1.
 */
import type { Scenario } from './scenarios.ts';
import { planTraffic } from './traffic-plan.ts';
import {
  type Answer,
  type ChallengeAsk,
  requestCode,
  type WorkerTarget,
  workerCaller,
} from './worker-calls.ts';

export type { Answer, ChallengeAsk } from './worker-calls.ts';

export interface SimulationTarget extends WorkerTarget {
  sandboxUrl: string;
}

export interface SimulationOptions {
  /** What a scenario's `duration` windows last, s (the attack takes longer if the machine cannot keep up). */
  durationSeconds: number;
  /** Adversary requests in flight at most. */
  concurrency: number;
  seed: number;
}

/** One of the attacker's (or the stranger's) requests: its last answer, and any challenge on the way. */
export interface AttackCall extends Answer {
  /** ms since the simulation started, when the request was sent. */
  atMs: number;
  country: string;
  phone: string;
  ip: string;
  asked: ChallengeAsk | undefined;
  solved: boolean;
}

export interface UserFlow {
  atMs: number;
  country: string;
  phone: string;
  ip: string;
  /** Planned never to verify: not counted in the share served. */
  abandons: boolean;
  /** Whether the first answer asked for a challenge, and whether the user solved it and asked again. */
  asked: ChallengeAsk | undefined;
  solved: boolean;
  /** The request's last answer (after the challenge, if there was one). */
  request: Answer;
  /** Whether the code arrived in the sandbox inbox. */
  smsReceived: boolean;
  verify: Answer | undefined;
  /** ms since the simulation started, when the verify was approved. */
  servedAtMs: number | undefined;
}

export interface SimulationRecord {
  /** The attacker's or the stranger's requests, by time; empty without one. */
  attack: AttackCall[];
  users: UserFlow[];
  /** Wall time the simulation took, ms. */
  elapsedMs: number;
  /** The attacker's (or stranger's) numbers, by country. */
  attackNumbersByCountry: ReadonlyMap<string, readonly string[]>;
  /** The blocks they lie in, by country. */
  attackBlocks: ReadonlyMap<string, readonly string[]>;
}

const CALL_TIMEOUT_MS = 15_000;
const SMS_WAIT_MS = 10_000;
const SMS_POLL_MS = 250;

export async function simulate(
  scenario: Scenario,
  target: SimulationTarget,
  options: SimulationOptions,
): Promise<SimulationRecord> {
  const plan = planTraffic(scenario, options);
  const turnstileHostname = new URL(target.workerUrl).hostname;

  const started = performance.now();
  const since = () => performance.now() - started;
  // The plan's own span three times over (a machine that cannot keep the pace), plus a margin for
  // the last calls: no run outlives it, whatever the Worker does.
  const deadline = plan.spanMs * 3 + SMS_WAIT_MS + 60_000;
  const timeout = () => Math.min(CALL_TIMEOUT_MS, deadline - since());

  const attack: AttackCall[] = [];
  const { adversary } = scenario;
  const attackRun = (async () => {
    if (!adversary) return;
    const inFlight = new Set<Promise<void>>();
    for (const planned of plan.adversary) {
      if (planned.dueMs > since()) await sleep(planned.dueMs - since());
      while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
      if (since() > deadline) break;
      const atMs = since();
      const call = workerCaller(target, adversary.caller, planned.ip, timeout);
      const sent = requestCode(call, {
        phone: planned.phone,
        caller: adversary.caller,
        solvesChallenges: adversary.solvesChallenges,
        turnstileHostname,
      }).then(({ answer, asked, solved }) => {
        attack.push({ atMs, ...planned, ...answer, asked, solved });
      });
      const tracked = sent.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
    await Promise.all(inFlight);
  })();

  const { caller } = scenario.users;
  const users = await Promise.all(
    plan.users.map(async (planned): Promise<UserFlow> => {
      await sleep(planned.arriveMs - since());
      const atMs = since();
      const call = workerCaller(target, caller, planned.ip, timeout);
      const { answer, asked, solved } = await requestCode(call, {
        phone: planned.phone,
        caller,
        solvesChallenges: true,
        turnstileHostname,
      });
      const flow: UserFlow = {
        atMs,
        country: planned.country,
        phone: planned.phone,
        ip: planned.ip,
        abandons: planned.abandons,
        asked,
        solved,
        request: answer,
        smsReceived: false,
        verify: undefined,
        servedAtMs: undefined,
      };
      if (answer.status !== 200 || planned.abandons) return flow;
      const code = await readCode(target.sandboxUrl, planned.phone, deadline - since());
      flow.smsReceived = code !== undefined;
      if (code === undefined) return flow;
      await sleep(Math.min(planned.verifyDelayMs, deadline - since()));
      flow.verify = await call('/otp/verify', { verificationId: answer.verificationId, code });
      if (flow.verify.status === 200) flow.servedAtMs = since();
      return flow;
    }),
  );
  await attackRun;
  attack.sort((a, b) => a.atMs - b.atMs);
  return {
    attack,
    users,
    elapsedMs: since(),
    attackNumbersByCountry: plan.adversaryNumbersByCountry,
    attackBlocks: plan.adversaryBlocks,
  };
}

/** The code of the newest message to `phone`, as the user's phone shows it; bounded wait. */
async function readCode(sandboxUrl: string, phone: string, budgetMs: number): Promise<string | undefined> {
  const deadline = performance.now() + Math.min(SMS_WAIT_MS, budgetMs);
  while (performance.now() < deadline) {
    const response = await fetch(`${sandboxUrl}/__sandbox/messages?dst=${encodeURIComponent(phone)}`, {
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
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
