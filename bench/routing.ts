/**
 * `npm run bench:routing`: delivery that does not depend on one carrier (docs/routing.md). Two
 * providers on the real local stack (Redis behind the REST server, the Plivo and the Twilio
 * sandboxes, the Worker under `wrangler dev`, each sandbox posting its signed delivery reports to
 * the Worker), Plivo silently failing `--drop` % of its deliveries to GB (the sandbox's scripted
 * drops: accepted, never in the inbox, reported undelivered), US healthy. Users request a code,
 * wait `--wait` seconds for it in the sandboxes' inboxes, verify it when it comes, and otherwise
 * ask once more (a new request) and wait again. Three configurations, each on a fresh stack:
 * today's single route, a static two-provider route with report failover, and adaptive routing.
 * Reports per country the share of users who verify (within the first wait, and after the one
 * resend) and the time to a verified code; writes the "Routing" section of
 * bench/results.local.md (untracked), or with `--write` of the tracked bench/results.md.
 *
 *   npm run bench:routing -- [--users 150] [--concurrency 12] [--drop 30] [--wait 6] [--write]
 *
 * A benchmark, not a test: it exits 0 whatever the figures (1 only if it could not run).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startLocalStack } from '../local/stack.ts';
import { findFreePort } from '../local/support/processes.ts';
import { generateOtpSecret, generateReceiptKey } from '../scripts/keygen.ts';
import { machineLines, markdownTable, repoPath, resultsDestination, writeSection } from './report.ts';
import { BENCH_VARS } from './stack.ts';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '150' },
    concurrency: { type: 'string', default: '12' },
    drop: { type: 'string', default: '30' },
    wait: { type: 'string', default: '6' },
    write: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
  strict: true,
});
const USERS = Number(values.users);
const CONCURRENCY = Number(values.concurrency);
const DROP_PERCENT = Number(values.drop);
const WAIT_MS = Number(values.wait) * 1000;
/** GB is where Plivo loses messages; a third as many users are in healthy US. */
const COUNTRIES = [
  {
    country: 'GB',
    users: USERS,
    number: (i: number) => `+447400${10 + (Math.floor(i / 8800) % 89)}${pad(i)}`,
  },
  { country: 'US', users: Math.ceil(USERS / 3), number: (i: number) => `+1415${200 + (i % 700)}${pad(i)}` },
];
/** Last four digits never `00xx`: the sandboxes script those numbers. */
function pad(i: number): string {
  return String(1100 + (i % 8800)).slice(-4);
}

const CONFIGURATIONS = [
  { name: 'single route (today)', vars: { SMS_ROUTES: '*:plivo' } },
  {
    name: 'static route plivo,twilio + report failover',
    vars: { SMS_ROUTES: '*:plivo,twilio', ROUTING: 'static' },
  },
  { name: 'adaptive (ROUTING=adaptive)', vars: { SMS_ROUTES: '*:plivo,twilio', ROUTING: 'adaptive' } },
] as const;

interface UserOutcome {
  country: string;
  /** Verified with the first request's code (or its failover's). */
  first: boolean;
  verified: boolean;
  msToVerified: number | undefined;
}

/** GB's sends per provider and failovers, as the Worker's /admin/stats counted them. */
interface RouteCounts {
  plivoSent: number;
  twilioSent: number;
  failovers: number;
}

async function runConfiguration(
  vars: Record<string, string>,
): Promise<{ outcomes: UserOutcome[]; gb: RouteCounts }> {
  const port = await findFreePort();
  const adminKey = randomBytes(24).toString('hex');
  const receiptKey = await generateReceiptKey();
  const stack = await startLocalStack({
    redisRest: { token: 'bench-rest-token', latencyMs: 20 },
    plivo: {
      authId: 'MABENCH0000000000000',
      authToken: 'bench-plivo-token',
      latencyMs: 60,
      callbackDelayMs: 300,
      log: () => undefined,
    },
    twilio: {
      accountSid: 'AC0000000000000000000000000000be01',
      authToken: 'bench-twilio-token',
      latencyMs: 60,
      callbackDelayMs: 300,
      log: () => undefined,
    },
    worker: {
      port,
      vars: {
        ...BENCH_VARS,
        PLIVO_SENDER: '+14155550100',
        // The bench is about delivery, not abuse: dropped codes must not trip the fraud guard.
        FRAUD_GUARD: 'off',
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        // Only the bench reads /admin/stats; a throwaway key per stack.
        ADMIN_API_KEYS: adminKey,
        ...vars,
      },
      secrets: {
        OTP_SECRET: generateOtpSecret(),
        RECEIPT_SIGNING_KEY: JSON.stringify(receiptKey.privateJwk),
      },
    },
  });
  try {
    const { plivo, twilio, worker } = stack;
    await fetch(`${plivo.url}/__sandbox/faults?api=drops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ country: 'GB', percent: DROP_PERCENT }),
    });
    const queue = COUNTRIES.flatMap(({ country, users, number }) =>
      Array.from({ length: users }, (_, i) => ({ country, phone: number(i) })),
    );
    // Interleave the countries so both are served throughout the run.
    queue.sort(() => Math.random() - 0.5);
    const outcomes: UserOutcome[] = [];
    let userIndex = 0;
    const workers = Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const user = queue[userIndex++];
        if (!user) return;
        outcomes.push(
          await actAsUser(worker.url, plivo.url, twilio.url, user.country, user.phone, userIndex),
        );
      }
    });
    await Promise.all(workers);
    // Late reports settle the counts.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const response = await fetch(`${worker.url}/admin/stats?hours=1`, {
      headers: { authorization: `Bearer ${adminKey}` },
    });
    if (response.status !== 200)
      console.log(`routing: /admin/stats answered ${response.status}: ${await response.clone().text()}`);
    const stats = (await response.json()) as {
      routing?: {
        conversions: { country: string; provider: string; sent: number }[];
        failovers: Record<string, number>;
      };
    };
    const sentBy = (provider: string) =>
      stats.routing?.conversions.find((row) => row.country === 'GB' && row.provider === provider)?.sent ?? 0;
    return {
      outcomes,
      gb: {
        plivoSent: sentBy('plivo'),
        twilioSent: sentBy('twilio'),
        failovers: stats.routing?.failovers.GB ?? 0,
      },
    };
  } finally {
    await stack.close();
  }
}

async function actAsUser(
  workerUrl: string,
  plivoUrl: string,
  twilioUrl: string,
  country: string,
  phone: string,
  index: number,
): Promise<UserOutcome> {
  const startedAt = Date.now();
  const ip = `198.18.${Math.floor(index / 250) % 250}.${(index % 250) + 1}`;
  for (const attempt of [1, 2]) {
    const requested = Date.now();
    const response = await fetch(`${workerUrl}/otp/request`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, 'cf-connecting-ip': ip },
      body: JSON.stringify({ phone }),
    });
    const body = (await response.json()) as { verificationId?: string };
    if (body.verificationId) {
      // The user starts waiting once the request answered (the page says "code sent").
      const code = await waitForCode(plivoUrl, twilioUrl, phone, requested, Date.now() + WAIT_MS);
      if (code) {
        const verify = await fetch(`${workerUrl}/otp/verify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip },
          body: JSON.stringify({ verificationId: body.verificationId, code }),
        });
        if (verify.status === 200) {
          return { country, first: attempt === 1, verified: true, msToVerified: Date.now() - startedAt };
        }
      }
    }
  }
  return { country, first: false, verified: false, msToVerified: undefined };
}

/** The newest code sent to `phone` since `sinceMs`, from either inbox, within the wait. */
async function waitForCode(
  plivoUrl: string,
  twilioUrl: string,
  phone: string,
  sinceMs: number,
  deadline: number,
) {
  while (Date.now() < deadline) {
    const [viaPlivo, viaTwilio] = await Promise.all([
      fetch(`${plivoUrl}/__sandbox/messages?dst=${encodeURIComponent(phone)}`).then((r) => r.json()),
      fetch(`${twilioUrl}/__sandbox/messages?to=${encodeURIComponent(phone)}`).then((r) => r.json()),
    ]);
    const messages = [
      ...(viaPlivo as { text: string | null; receivedAt: string }[]).map((m) => ({
        text: m.text ?? '',
        at: Date.parse(m.receivedAt),
      })),
      ...(viaTwilio as { body: string; dateCreated: string }[]).map((m) => ({
        text: m.body,
        at: Date.parse(m.dateCreated),
      })),
    ]
      .filter((message) => message.at >= sinceMs - 5)
      .sort((a, b) => b.at - a.at);
    const code = messages[0]?.text.match(/(?<!\d)(\d{6,10})(?!\d)/)?.[1];
    if (code) return code;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return undefined;
}

function share(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)} %`;
}

function percentile(values: number[], p: number): string {
  if (values.length === 0) return '-';
  const sorted = [...values].sort((a, b) => a - b);
  const value = sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  return `${(value / 1000).toFixed(1)} s`;
}

async function main() {
  const rows: (string | number)[][] = [];
  const routeRows: (string | number)[][] = [];
  let lowestTwoProvider = 0;
  for (const configuration of CONFIGURATIONS) {
    console.log(`routing: "${configuration.name}": starting a fresh stack…`);
    const { outcomes, gb } = await runConfiguration(configuration.vars);
    routeRows.push([configuration.name, gb.plivoSent, gb.twilioSent, gb.failovers]);
    for (const { country } of COUNTRIES) {
      const mine = outcomes.filter((outcome) => outcome.country === country);
      const verified = mine.filter((outcome) => outcome.verified);
      const times = verified.flatMap((outcome) =>
        outcome.msToVerified === undefined ? [] : [outcome.msToVerified],
      );
      rows.push([
        configuration.name,
        country,
        mine.length,
        share(mine.filter((outcome) => outcome.first).length, mine.length),
        share(verified.length, mine.length),
        percentile(times, 50),
        percentile(times, 95),
      ]);
      if (country === 'GB' && configuration.vars.SMS_ROUTES !== '*:plivo') {
        lowestTwoProvider = Math.min(lowestTwoProvider || 1, verified.length / Math.max(1, mine.length));
      }
      console.log(`  ${country}: ${share(verified.length, mine.length)} verified`);
    }
  }
  const verdict = lowestTwoProvider >= 0.98 ? 'PASS' : 'FAIL';
  const body = [
    `Plivo silently loses ${DROP_PERCENT} % of its deliveries to GB (accepted, never delivered, reported undelivered); US is healthy; Twilio is healthy everywhere. ${USERS} GB users and ${Math.ceil(USERS / 3)} US users per configuration, ${CONCURRENCY} at a time; each waits ${WAIT_MS / 1000} s for a code, verifies it, or asks once more and waits again. Sandbox reports every 0.3 s per step; store 20 ms, providers 60 ms away. Fresh stack per configuration; fraud guard off (dropped codes are not an attack).`,
    '',
    markdownTable(
      [
        'configuration',
        'country',
        'users',
        'verified, first request',
        'verified, with one resend',
        'time to verified p50',
        'p95',
      ],
      rows,
    ),
    '',
    'GB codes per provider (accepted sends, failovers included) and failovers after a failed report, as `GET /admin/stats` counted them:',
    '',
    markdownTable(['configuration', 'sent by Plivo', 'sent by Twilio', 'failovers'], routeRows),
    '',
    `Target: with one provider failing ${DROP_PERCENT} % of deliveries in a country, at least 98 % of that country's users verify (two-provider routes, with the one resend): **${verdict}** (lowest: ${(lowestTwoProvider * 100).toFixed(1)} %).`,
    '',
    ...machineLines('redis (local)'),
    '',
    `Command: \`npm run bench:routing -- --users ${USERS} --concurrency ${CONCURRENCY} --drop ${DROP_PERCENT} --wait ${WAIT_MS / 1000}\``,
  ].join('\n');
  const destination = resultsDestination(values);
  if (destination) {
    writeSection('Routing', body, { file: destination });
    console.log(`routing: wrote ${repoPath(destination)}`);
  }
  console.log(body);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
