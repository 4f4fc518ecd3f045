/**
 * What a simulation amounted to. SMS counts come from the Plivo sandbox (every message it accepted,
 * seen through its `onMessage` hook: the ground truth of what would have been billed), not from the
 * Worker's answers; the answers give the refusals, the challenges and the users served.
 */
import type { SimulationRecord } from './simulation.ts';

/** A message the sandbox accepted, with when (ms since the simulation started). */
export interface SentSms {
  atMs: number;
  dst: string;
}

export interface TimelineRow {
  /** Start of the interval, s. */
  fromSeconds: number;
  attackRequests: number;
  attackSms: number;
  usersArrived: number;
  usersServed: number;
  /** Users who meant to verify and were not served. */
  usersRefused: number;
  /** Users asked for a challenge. */
  usersAsked: number;
  /** Users who never verify, whatever their request's answer. */
  usersAbandoning: number;
}

/** The Retry-After values one kind of refusal carried, s. */
export interface RetryAfterRange {
  min: number;
  max: number;
}

export interface Tally {
  /** The attacker's (or stranger's) requests, not counting a retry after a challenge. */
  attackRequests: number;
  attackSms: number;
  attackSmsShare: number;
  attackSmsByCountry: Map<string, number>;
  maxAttackSmsPerCountry: number;
  /** Requests the Worker answered 200 to (after a challenge, if any), which should match attackSms. */
  attackAccepted: number;
  /** Requests whose first answer asked for a challenge, and those the attacker solved and sent again. */
  attackAsked: number;
  attackSolved: number;
  /** Last answers' refusals (after a challenge, if any). */
  attackRefusals: Map<string, number>;
  users: number;
  /** Users who mean to verify: the share served counts these. */
  usersVerifying: number;
  usersAbandoning: number;
  usersRequestOk: number;
  usersServed: number;
  /** Served / users who mean to verify. */
  usersServedShare: number;
  /** Users whose first answer asked for a challenge, by how; and those who solved it and asked again. */
  usersAsked: number;
  usersAskedBy: Map<string, number>;
  usersSolved: number;
  /** Why users (abandoning ones included, for their request) were not served. */
  userRefusals: Map<string, number>;
  /** Users who mean to verify, served, by country: [served, verifying]. */
  usersByCountry: Map<string, [served: number, verifying: number]>;
  /** Retry-After by refusal, over the attacker's and the users' last answers. */
  retryAfter: Map<string, RetryAfterRange>;
  timeline: TimelineRow[];
  /** Messages to numbers that neither the attacker nor a user asked for (should be none). */
  strayMessages: number;
}

export function tally(record: SimulationRecord, messages: readonly SentSms[], bucketSeconds: number): Tally {
  const attackCountryOf = new Map<string, string>();
  for (const [country, numbers] of record.attackNumbersByCountry)
    for (const phone of numbers) attackCountryOf.set(phone, country);
  const userNumbers = new Set(record.users.map((user) => user.phone));

  const attackSmsByCountry = new Map<string, number>(
    [...record.attackNumbersByCountry.keys()].map((country) => [country, 0]),
  );
  let attackSms = 0;
  let strayMessages = 0;
  for (const message of messages) {
    const country = attackCountryOf.get(message.dst);
    if (country !== undefined) {
      attackSms += 1;
      increment(attackSmsByCountry, country);
    } else if (!userNumbers.has(message.dst)) strayMessages += 1;
  }

  const retryAfter = new Map<string, RetryAfterRange>();
  const noteRetryAfter = (refusal: string | undefined, seconds: number | undefined) => {
    if (refusal === undefined || seconds === undefined) return;
    const range = retryAfter.get(refusal);
    retryAfter.set(refusal, {
      min: Math.min(range?.min ?? seconds, seconds),
      max: Math.max(range?.max ?? seconds, seconds),
    });
  };

  const attackRefusals = new Map<string, number>();
  for (const call of record.attack) {
    if (call.refusal !== undefined) increment(attackRefusals, call.refusal);
    noteRetryAfter(call.refusal, call.retryAfterSeconds);
  }
  const userRefusals = new Map<string, number>();
  const usersAskedBy = new Map<string, number>();
  const usersByCountry = new Map<string, [number, number]>();
  for (const user of record.users) {
    if (user.asked !== undefined) increment(usersAskedBy, user.asked);
    const refusal =
      user.request.refusal ??
      (user.abandons ? undefined : user.smsReceived ? user.verify?.refusal : 'no SMS in the inbox');
    if (refusal !== undefined) increment(userRefusals, refusal);
    noteRetryAfter(user.request.refusal, user.request.retryAfterSeconds);
    if (user.abandons) continue;
    const [served, verifying] = usersByCountry.get(user.country) ?? [0, 0];
    usersByCountry.set(user.country, [served + (user.servedAtMs === undefined ? 0 : 1), verifying + 1]);
  }

  const bucketMs = bucketSeconds * 1000;
  const lastMs = Math.max(record.elapsedMs, ...messages.map((message) => message.atMs));
  const timeline: TimelineRow[] = Array.from(
    { length: Math.max(1, Math.ceil(lastMs / bucketMs)) },
    (_, index) => ({
      fromSeconds: index * bucketSeconds,
      attackRequests: 0,
      attackSms: 0,
      usersArrived: 0,
      usersServed: 0,
      usersRefused: 0,
      usersAsked: 0,
      usersAbandoning: 0,
    }),
  );
  const rowAt = (atMs: number) =>
    timeline[Math.min(timeline.length - 1, Math.max(0, Math.floor(atMs / bucketMs)))];
  for (const call of record.attack) {
    const row = rowAt(call.atMs);
    if (row) row.attackRequests += 1;
  }
  for (const message of messages) {
    const row = attackCountryOf.has(message.dst) ? rowAt(message.atMs) : undefined;
    if (row) row.attackSms += 1;
  }
  for (const user of record.users) {
    const row = rowAt(user.atMs);
    if (!row) continue;
    row.usersArrived += 1;
    if (user.asked !== undefined) row.usersAsked += 1;
    if (user.abandons) row.usersAbandoning += 1;
    else if (user.servedAtMs === undefined) row.usersRefused += 1;
    else row.usersServed += 1;
  }

  // The last answers can spill a few ms into an interval of their own: drop empty trailing rows.
  while (timeline.length > 1 && isEmpty(timeline[timeline.length - 1])) timeline.pop();

  const attackRequests = record.attack.length;
  const verifying = record.users.filter((user) => !user.abandons);
  const usersServed = verifying.filter((user) => user.servedAtMs !== undefined).length;
  return {
    attackRequests,
    attackSms,
    attackSmsShare: attackRequests === 0 ? 0 : attackSms / attackRequests,
    attackSmsByCountry,
    maxAttackSmsPerCountry: Math.max(0, ...attackSmsByCountry.values()),
    attackAccepted: record.attack.filter((call) => call.status === 200).length,
    attackAsked: record.attack.filter((call) => call.asked !== undefined).length,
    attackSolved: record.attack.filter((call) => call.solved).length,
    attackRefusals,
    users: record.users.length,
    usersVerifying: verifying.length,
    usersAbandoning: record.users.length - verifying.length,
    usersRequestOk: record.users.filter((user) => user.request.status === 200).length,
    usersServed,
    usersServedShare: verifying.length === 0 ? 0 : usersServed / verifying.length,
    usersAsked: record.users.filter((user) => user.asked !== undefined).length,
    usersAskedBy,
    usersSolved: record.users.filter((user) => user.solved).length,
    userRefusals,
    usersByCountry,
    retryAfter,
    timeline,
    strayMessages,
  };
}

function isEmpty(row: TimelineRow | undefined): boolean {
  return row !== undefined && row.attackRequests + row.attackSms + row.usersArrived === 0;
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
