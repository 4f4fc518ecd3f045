import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKeyedHasher } from '../../src/otp/keyed-hash.ts';
import { latestCode, redis, sandboxMessages, testApp, uniquePhone } from './support/stack.ts';

/**
 * Model-based test: random sequences of request / resend / verify (right, wrong, an old
 * verification with its code) /
 * clock advance against the real stack, each answer checked against a small model of what the
 * service promises, and the store's counters checked against the model after every step.
 *
 * Time is real. A code's expiry and the resend cooldown are Redis TTLs, decided by Redis's clock
 * inside the scripts; a fake Worker clock (which only feeds receipts and limiter caches) cannot move
 * them. So codes live OTP_TTL_SECONDS=2, the cooldown is 0 or 1 s, and "advance" is a real sleep.
 * Every call is bracketed by its start and end time; when a TTL runs out inside that bracket (plus a
 * margin) the model accepts either answer and follows the one observed.
 *
 * Sequences run five at a time (each on its own number and key prefix) to keep the sleeps short in
 * total. A failure prints fast-check's seed and the step log of the failing sequence; the seed
 * replays the same steps, not the same timing.
 */

const TTL_SECONDS = 2;
const MARGIN_MS = 150;
const LONG_ADVANCE_MS = TTL_SECONDS * 1000 + 300;

type Step =
  | { kind: 'request' }
  /** The same endpoint with the number spelled another way: a resend as the user sees it. */
  | { kind: 'resend' }
  | { kind: 'verifyRight' }
  | { kind: 'verifyWrong'; offset: number }
  /** The verification before the newest one, with the code it was sent. */
  | { kind: 'verifyOld' }
  | { kind: 'advance'; ms: number };

interface Sequence {
  maxAttempts: number;
  maxFailures: number;
  cooldownSeconds: number;
  steps: Step[];
}

interface Window {
  start: number;
  end: number;
}

interface Model {
  /** The verification the store should hold pending; undefined when none (never sent, used, or seen expired). */
  current: { id: string; code: string; issued: Window; attempts: number } | undefined;
  /** Verifications of this number that a newer one replaced or that were used, with their codes. */
  older: { id: string; code: string }[];
  /** The newest verification's id, even once used or expired (what "verify right" retries). */
  lastId: string | undefined;
  /** The newest code sent, even once used or expired (what "verify right" retries). */
  lastSent: string | undefined;
  failures: number;
  lastIssue: Window | undefined;
  approvals: Map<string, number>;
}

interface Expected {
  label: string;
  status: number;
  errorCode?: string;
  attemptsRemaining?: number;
  retryAfter?: boolean;
  apply(): Promise<void> | void;
}

type Certainty = 'yes' | 'no' | 'maybe';

/** Is something set during `setAt`, living `lifetimeMs`, still there during `at`? */
function stillThere(setAt: Window, lifetimeMs: number, at: Window): Certainty {
  if (at.end < setAt.start + lifetimeMs - MARGIN_MS) return 'yes';
  if (at.start > setAt.end + lifetimeMs + MARGIN_MS) return 'no';
  return 'maybe';
}

/** Outcomes seen across all sequences: the fixed examples make sure each one happens. */
const seen = new Set<string>();

async function runSequence(sequence: Sequence, secret: string): Promise<void> {
  const { maxAttempts, maxFailures, cooldownSeconds } = sequence;
  const app = testApp({
    OTP_TTL_SECONDS: String(TTL_SECONDS),
    OTP_RESEND_COOLDOWN_SECONDS: String(cooldownSeconds),
    OTP_MAX_ATTEMPTS: String(maxAttempts),
    OTP_MAX_FAILURES_PER_DAY: String(maxFailures),
    // One client network plays every step: its own cap must not come before the number's.
    OTP_MAX_FAILURES_PER_CLIENT: '100',
    RATE_LIMIT_SEND_PER_PHONE: '1000/1h',
    RATE_LIMIT_SEND_PER_IP: '1000/1h',
    RATE_LIMIT_SEND_PER_PREFIX: '1000/1h',
    RATE_LIMIT_VERIFY_PER_IP: '1000/10m',
  });
  const prefix = app.env.KEY_PREFIX as string;
  const phone = uniquePhone();
  const spelled = `+1 (${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`;
  const hasher = createKeyedHasher(secret);
  const tag = await hasher.phoneTag(phone);
  const model: Model = {
    current: undefined,
    older: [],
    lastId: undefined,
    lastSent: undefined,
    failures: 0,
    lastIssue: undefined,
    approvals: new Map(),
  };
  const log: string[] = [
    `config: attempts ${maxAttempts}, failures ${maxFailures}, cooldown ${cooldownSeconds}s, number ${phone}`,
  ];
  function fail(message: string): never {
    throw new Error(`${message}\n  steps so far:\n    ${log.join('\n    ')}`);
  }

  for (const step of sequence.steps) {
    if (step.kind === 'advance') {
      await new Promise((resolve) => setTimeout(resolve, step.ms));
      log.push(`advance ${step.ms} ms`);
      continue;
    }

    const isRequest = step.kind === 'request' || step.kind === 'resend';
    let candidate = '';
    // A made-up id until the number has one: the service never issued it.
    let target = model.lastId ?? 'A'.repeat(90);
    if (!isRequest) {
      const base = model.current?.code ?? model.lastSent ?? '000000';
      const offsetFrom = (offset: number) => String((Number(base) + offset) % 1_000_000).padStart(6, '0');
      const old = model.older.at(-1);
      if (step.kind === 'verifyRight') candidate = base;
      else if (step.kind === 'verifyOld' && old !== undefined) {
        candidate = old.code;
        target = old.id;
      } else candidate = offsetFrom(step.kind === 'verifyWrong' ? step.offset : 1);
    }

    const smsBefore = (await sandboxMessages(phone)).length;
    const window: Window = { start: Date.now(), end: 0 };
    const response = isRequest
      ? await app.post('/otp/request', { phone: step.kind === 'resend' ? spelled : phone })
      : await app.post('/otp/verify', { verificationId: target, code: candidate });
    window.end = Date.now();
    const body = (await response.json()) as {
      verificationId?: string;
      error?: { code: string; attemptsRemaining?: number; retryAfterSeconds?: number };
    };
    const observed = `${response.status} ${body.error?.code ?? 'ok'}${body.error?.attemptsRemaining === undefined ? '' : ` (${body.error.attemptsRemaining} left)`}`;

    const expected: Expected[] = [];
    // A number at its failure cap: requests and verifies of its live verification alike answer 429
    // and change nothing.
    const LOCKED: Expected = {
      label: 'locked',
      status: 429,
      errorCode: 'too_many_attempts',
      retryAfter: true,
      apply() {},
    };
    const locked = model.failures >= maxFailures;
    if (isRequest) {
      if (locked) {
        expected.push(LOCKED);
      } else {
        const cooling =
          cooldownSeconds > 0 && model.lastIssue
            ? stillThere(model.lastIssue, cooldownSeconds * 1000, window)
            : 'no';
        if (cooling !== 'no') {
          expected.push({
            label: 'cooldown',
            status: 429,
            errorCode: 'resend_too_soon',
            retryAfter: true,
            apply() {},
          });
        }
        if (cooling !== 'yes') {
          expected.push({
            label: 'sent',
            status: 200,
            async apply() {
              const code = await latestCode(phone);
              const id = body.verificationId ?? fail('a 200 without a verificationId');
              if (model.current) model.older.push({ id: model.current.id, code: model.current.code });
              model.current = { id, code, issued: window, attempts: 0 };
              model.lastIssue = window;
              model.lastSent = code;
              model.lastId = id;
            },
          });
        }
      }
    } else if (model.current?.id !== target) {
      // Replaced, used, seen expired, or never issued: one 404 that changes nothing, locked or not.
      expected.push({
        label: step.kind === 'verifyOld' ? 'old verification refused' : 'no verification',
        status: 404,
        errorCode: 'verification_not_found',
        apply() {},
      });
    } else {
      const current = model.current;
      const alive = stillThere(current.issued, TTL_SECONDS * 1000, window);
      if (alive !== 'yes') {
        expected.push({
          label: 'expired',
          status: 404,
          errorCode: 'verification_not_found',
          apply() {
            model.older.push({ id: current.id, code: current.code });
            model.current = undefined;
          },
        });
      }
      if (alive !== 'no' && locked) {
        expected.push(LOCKED);
      } else if (alive !== 'no') {
        if (current.attempts >= maxAttempts) {
          // A new code may be asked for at once once the cooldown has passed (no Retry-After),
          // else after it; at the edge of the cooldown either answer is right.
          const cooling =
            cooldownSeconds > 0 && model.lastIssue
              ? stillThere(model.lastIssue, cooldownSeconds * 1000, window)
              : 'no';
          expected.push({
            label: 'burned',
            status: 429,
            errorCode: 'max_attempts_reached',
            ...(cooling === 'maybe' ? {} : { retryAfter: cooling === 'yes' }),
            apply() {},
          });
        } else if (candidate === current.code) {
          expected.push({
            label: 'approved',
            status: 200,
            apply() {
              model.approvals.set(current.id, (model.approvals.get(current.id) ?? 0) + 1);
              model.older.push({ id: current.id, code: current.code });
              model.current = undefined;
              // A success ends the run of consecutive failures (the script deletes the counter).
              model.failures = 0;
            },
          });
        } else {
          expected.push({
            label: 'wrong',
            status: 400,
            errorCode: 'invalid_code',
            attemptsRemaining: maxAttempts - current.attempts - 1,
            apply() {
              current.attempts += 1;
              model.failures += 1;
            },
          });
        }
      }
    }

    const match = expected.find(
      (outcome) =>
        outcome.status === response.status &&
        outcome.errorCode === body.error?.code &&
        (outcome.attemptsRemaining === undefined ||
          outcome.attemptsRemaining === body.error?.attemptsRemaining) &&
        (outcome.retryAfter === undefined ||
          outcome.retryAfter === (body.error?.retryAfterSeconds !== undefined)),
    );
    log.push(
      `${step.kind}${isRequest ? '' : ` ${candidate}`} [${window.end - window.start} ms] → ${observed}; model expected ${expected.map((outcome) => outcome.label).join(' or ')}`,
    );
    if (!match) fail(`answer not allowed by the model: ${observed}`);
    await match.apply();
    seen.add(match.label);

    // Only an accepted send puts an SMS on the phone.
    const smsAfter = (await sandboxMessages(phone)).length;
    if (smsAfter - smsBefore !== (match.label === 'sent' ? 1 : 0))
      fail(`${smsAfter - smsBefore} new SMS after ${match.label}`);

    // At most one success per code.
    for (const [id, count] of model.approvals)
      if (count > 1) fail(`verification ${id} approved ${count} times`);

    // The store agrees with the model: the failure count survives resends, attempts never pass the
    // limit, and the stored hash is the newest code's (no resend revives an older one).
    const failures = Number((await redis(['GET', `${prefix}failures:${tag}`])) ?? 0);
    if (failures !== model.failures) fail(`store failures ${failures}, model ${model.failures}`);
    if (failures > maxFailures) fail(`failure counter ${failures} passed OTP_MAX_FAILURES_PER_DAY`);
    // The number's active verification is the model's newest one, and only it.
    const activeTag = await redis(['GET', `${prefix}active:${tag}`]);
    if (model.lastId !== undefined && activeTag !== (await hasher.verificationTag(model.lastId)))
      fail('the active verification is not the newest one sent');
    if (model.current) {
      const verificationTag = await hasher.verificationTag(model.current.id);
      const stored = (await redis(['HGETALL', `${prefix}verification:${verificationTag}`])) as string[];
      const fields = new Map<string, string>();
      for (let index = 0; index + 1 < stored.length; index += 2)
        fields.set(stored[index] ?? '', stored[index + 1] ?? '');
      const attempts = Number(fields.get('a'));
      if (attempts > maxAttempts) fail(`attempts ${attempts} passed OTP_MAX_ATTEMPTS`);
      if (fields.get('h') !== (await hasher.codeTag(verificationTag, model.current.code))) {
        fail('the stored code is not the one sent for this verification');
      }
      if (attempts !== model.current.attempts)
        fail(`store attempts ${attempts}, model ${model.current.attempts}`);
    }
  }
}

// --- Generators ---------------------------------------------------------------------------------

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'request' as const }), weight: 3 },
  { arbitrary: fc.constant({ kind: 'resend' as const }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'verifyRight' as const }), weight: 3 },
  {
    arbitrary: fc
      .integer({ min: 1, max: 999_999 })
      .map((offset) => ({ kind: 'verifyWrong' as const, offset })),
    weight: 5,
  },
  { arbitrary: fc.constant({ kind: 'verifyOld' as const }), weight: 2 },
  {
    arbitrary: fc.oneof(fc.integer({ min: 100, max: 1_200 }), fc.constant(LONG_ADVANCE_MS)).map((ms) => ({
      kind: 'advance' as const,
      ms,
    })),
    weight: 1,
  },
);

const sequence: fc.Arbitrary<Sequence> = fc.record({
  maxAttempts: fc.constantFrom(2, 3),
  // Low enough that random sequences reach the cap too, not only the hand-written ones.
  maxFailures: fc.integer({ min: 2, max: 6 }),
  cooldownSeconds: fc.constantFrom(0, 1),
  steps: fc
    .array(step, { minLength: 1, maxLength: 12 })
    // Bounded real time: at most 3.5 s of sleeping per sequence.
    .filter(
      (steps) => steps.reduce((total, next) => total + (next.kind === 'advance' ? next.ms : 0), 0) <= 3_500,
    ),
});

const request = { kind: 'request' } as const;
const resend = { kind: 'resend' } as const;
const right = { kind: 'verifyRight' } as const;
const wrong = { kind: 'verifyWrong', offset: 1 } as const;
const old = { kind: 'verifyOld' } as const;
const advance = (ms: number) => ({ kind: 'advance', ms }) as const;

/** Hand-written sequences that reach every outcome at least once, whatever the random ones do. */
const coverage: Sequence[] = [
  // Expiry: nothing succeeds after the TTL. A verify before any request has no verification.
  {
    maxAttempts: 3,
    maxFailures: 7,
    cooldownSeconds: 0,
    steps: [right, request, wrong, advance(LONG_ADVANCE_MS), right, right],
  },
  // The failure cap across resends: a resend neither resets it nor helps once it is reached.
  {
    maxAttempts: 3,
    maxFailures: 4,
    cooldownSeconds: 0,
    steps: [request, wrong, wrong, resend, old, wrong, wrong, right, request, right],
  },
  // A burned code: after OTP_MAX_ATTEMPTS wrong guesses even the right one fails.
  {
    maxAttempts: 2,
    maxFailures: 7,
    cooldownSeconds: 0,
    steps: [request, wrong, wrong, right, resend, right, right],
  },
  // The cooldown, then a resend that kills the old code.
  {
    maxAttempts: 3,
    maxFailures: 7,
    cooldownSeconds: 1,
    steps: [request, resend, advance(1_300), resend, old, right, old, right],
  },
  // Single use, then a fresh code works again and the failure count restarted.
  {
    maxAttempts: 3,
    maxFailures: 3,
    cooldownSeconds: 0,
    steps: [request, wrong, wrong, right, right, request, wrong, right],
  },
];

describe('model-based sequences against the real stack', () => {
  it('request / resend / verify / time: at most one success per code, attempts and failures capped, nothing after expiry, resends revive nothing and reset no failure count', async () => {
    const secret = testApp().env.OTP_SECRET as string;
    await fc.assert(
      fc.asyncProperty(fc.array(sequence, { minLength: 5, maxLength: 5 }), async (batch) => {
        await Promise.all(batch.map((one) => runSequence(one, secret)));
      }),
      // Shrinking would replay real sleeps many times over; the step log says what went wrong.
      // Two random batches after the hand-written one: 15 sequences of at most 12 steps.
      { numRuns: 2, endOnFailure: true, examples: [[coverage]] },
    );
    // Every outcome was reached at least once (the coverage sequences make sure of it), so none of
    // the model's branches went untested.
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        'approved',
        'burned',
        'cooldown',
        'expired',
        'locked',
        'no verification',
        'old verification refused',
        'sent',
        'wrong',
      ]),
    );
  }, 90_000);
});
