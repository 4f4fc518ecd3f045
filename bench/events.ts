/**
 * `npm run bench:events`: a few thousand verifications against the Worker under `wrangler dev`
 * (Miniflare's real queue), with the local webhook inbox down for the first seconds of the load,
 * then up. Reports what arrived (every event, duplicates, missing) and how long after it happened
 * (percentiles of delivery delay, for events produced while the receiver was down and after), and
 * the store round trips per flow. Writes an "Event webhooks" section to bench/results.local.md, or
 * with --write to bench/results.md.
 *
 *   npm run bench:events -- [--verifications 2000] [--concurrency 8] [--down-seconds 15] [--write | --no-write]
 */
import { parseArgs } from 'node:util';
import { generateWebhookSecret } from '../scripts/keygen.ts';
import { clientIpFor, numberSource, percentile, pool, runFlow } from './flows.ts';
import { machineLines, markdownTable, ms, repoPath, resultsDestination, writeSection } from './report.ts';
import { startBenchStack } from './stack.ts';

const { values } = parseArgs({
  options: {
    verifications: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '8' },
    'down-seconds': { type: 'string', default: '15' },
    'wait-seconds': { type: 'string', default: '180' },
    write: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
  strict: true,
});
const verifications = Number(values.verifications);
const concurrency = Number(values.concurrency);
const downSeconds = Number(values['down-seconds']);
const waitSeconds = Number(values['wait-seconds']);

interface Received {
  id: string;
  type: string;
  body: string;
  signature: string;
  receivedAt: string;
}

const stack = await startBenchStack({
  storeLatencyMs: 0,
  smsLatencyMs: 0,
  webhookSecrets: [generateWebhookSecret()],
  // Retries 1, 2, 4, 8, 16 s apart ([env.dev] max_retries 5): a receiver down for 15 s loses nothing.
  vars: { EVENT_WEBHOOK_RETRY_BASE_SECONDS: '1', OTP_TTL_SECONDS: '600' },
});
try {
  const inbox = stack.webhookInboxUrl as string;
  const post = (path: string, body: unknown) =>
    fetch(`${inbox}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const nextNumber = numberSource(Date.now() % 7_000_000);
  const before = await stack.restStats();
  const downUntil = Date.now() + downSeconds * 1000;
  await post('/__down', { seconds: downSeconds });
  const started = Date.now();
  const flows = await pool(verifications, concurrency, (index) =>
    runFlow(stack, nextNumber(), clientIpFor(index + 1)),
  );
  const loadSeconds = (Date.now() - started) / 1000;
  const flowRoundTrips = ((await stack.restStats()).requests - before.requests) / verifications;
  const approved = flows.filter((flow) => flow.verifyStatus === 200).length;
  // A flow that failed (a refused request, a verify not approved) produced fewer events: counted
  // out of `expected`, and named here so a run with many of them is looked at.
  const failures = new Map<string, number>();
  for (const flow of flows) {
    const what =
      flow.failure ??
      (flow.requestStatus !== 200
        ? `request ${flow.requestStatus}`
        : flow.verifyStatus !== 200
          ? `verify ${flow.verifyStatus}`
          : undefined);
    if (what) failures.set(what, (failures.get(what) ?? 0) + 1);
  }
  const expected = flows.filter((flow) => flow.requestStatus === 200).length + approved;

  // Wait until every event arrived, or give up.
  let events: Received[] = [];
  let refused = 0;
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    const read = (await (await fetch(`${inbox}/__events`)).json()) as { events: Received[]; refused: number };
    events = read.events;
    refused = read.refused;
    if (new Set(events.map((event) => event.id)).size >= expected || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const distinct = new Map(events.map((event) => [event.id, event]));
  const invalid = events.filter((event) => event.signature !== 'valid').length;
  const delays = (produced: (at: number) => boolean) =>
    [...distinct.values()]
      .map((event) => {
        const at = Date.parse((JSON.parse(event.body) as { timestamp: string }).timestamp);
        return { at, delay: Date.parse(event.receivedAt) - at };
      })
      .filter((entry) => produced(entry.at))
      .map((entry) => entry.delay);
  const whileDown = delays((at) => at < downUntil);
  const afterUp = delays((at) => at >= downUntil);
  const row = (label: string, samples: number[]) => [
    label,
    samples.length,
    ms(percentile(samples, 50)),
    ms(percentile(samples, 90)),
    ms(percentile(samples, 99)),
    ms(Math.max(...samples)),
  ];
  const redisVersion = String(
    ((await stack.redis(['INFO', 'server'])) as string).match(/redis_version:(\S+)/)?.[1],
  );
  const body = [
    `Command: \`npm run bench:events -- --verifications ${verifications} --concurrency ${concurrency} --down-seconds ${downSeconds}\` (${new Date().toISOString().slice(0, 10)}).`,
    '',
    ...machineLines(redisVersion),
    `- ${verifications} verifications (request + verify) at concurrency ${concurrency} in ${loadSeconds.toFixed(1)} s; the webhook inbox answered 503 for the first ${downSeconds} s; the queue retried 1, 2, 4, 8, 16 s apart ([env.dev] max_retries 5, EVENT_WEBHOOK_RETRY_BASE_SECONDS 1).`,
    `- Flows that did not complete (their missing events are not expected): ${failures.size === 0 ? 'none' : [...failures].map(([what, count]) => `${count} × ${what}`).join(', ')}.`,
    '',
    markdownTable(
      [
        'events expected',
        'arrived (distinct ids)',
        'missing',
        'deliveries',
        'duplicates',
        'refused while down',
        'bad signatures',
      ],
      [
        [
          expected,
          distinct.size,
          expected - distinct.size,
          events.length,
          events.length - distinct.size,
          refused,
          invalid,
        ],
      ],
    ),
    '',
    'Delivery delay, from the event (its `timestamp`) to the inbox receiving it, in ms:',
    '',
    markdownTable(
      ['events produced', 'count', 'p50', 'p90', 'p99', 'max'],
      [row('while the receiver was down', whileDown), row('after it was back up', afterUp)],
    ),
    '',
    `Store round trips per flow, counted at the REST server (request + verify, consumer's webhook counters included): ${flowRoundTrips.toFixed(2)}.`,
  ].join('\n');
  console.log(body);
  const destination = resultsDestination(values);
  if (destination) {
    writeSection('Event webhooks', body, { file: destination });
    console.log(`\nwritten to ${repoPath(destination)}`);
  }
} finally {
  await stack.stop();
}
