import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/config.ts';
import { eventWebhookFor } from '../../../src/config/event-webhook.ts';
import { retryLater } from '../../../src/otp/deliver-events.ts';
import { testEnv } from '../support/stack.ts';

const SECRET = `whsec_${btoa('k'.repeat(32))}`;

function problemsOf(overrides: Record<string, string>): string[] {
  const parsed = parseConfig(testEnv(overrides));
  return parsed.ok ? [] : parsed.problems;
}

describe('event webhook settings fail loudly and never echo a secret', () => {
  it('a secret that is not whsec_ + base64 of 24-64 bytes names its position, not its value', () => {
    const short = `whsec_${btoa('tiny')}`;
    const problems = problemsOf({
      EVENT_WEBHOOK_URL: 'https://api.test/hook',
      EVENT_WEBHOOK_SECRETS: `${SECRET},${short}`,
    });
    expect(problems).toEqual([expect.stringMatching(/^EVENT_WEBHOOK_SECRETS: entry 2 is not/)]);
    expect(problems.join(' ')).not.toContain(short);
  });

  it('a URL without secrets is refused: events are always signed', () => {
    expect(problemsOf({ EVENT_WEBHOOK_URL: 'https://api.test/hook', EVENT_WEBHOOK_SECRETS: '' })).toEqual([
      expect.stringMatching(/^EVENT_WEBHOOK_SECRETS: required/),
    ]);
  });

  it('production wants https', () => {
    const problems = problemsOf({
      ENVIRONMENT: 'production',
      ALLOWED_COUNTRIES: 'US',
      RECEIPT_AUDIENCE: 'https://api.test',
      EVENT_WEBHOOK_URL: 'http://api.test/hook',
      EVENT_WEBHOOK_SECRETS: SECRET,
    });
    expect(problems).toContain('EVENT_WEBHOOK_URL: must be https:// in production');
  });

  it('the default app gets EVENT_WEBHOOK_URL and every secret; an app without one, nothing', () => {
    const parsed = parseConfig(
      testEnv({
        EVENT_WEBHOOK_URL: 'https://api.test/hook',
        EVENT_WEBHOOK_SECRETS: ` ${SECRET} , ${SECRET}`,
      }),
    );
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    expect(eventWebhookFor(parsed.config, 'default')).toEqual({
      url: 'https://api.test/hook',
      secrets: [SECRET, SECRET],
    });
    expect(eventWebhookFor(parsed.config, 'another-app')).toBeUndefined();
  });
});

describe('retries back off exponentially from EVENT_WEBHOOK_RETRY_BASE_SECONDS, up to the queue’s 12 hours', () => {
  it.each([
    [1, 30],
    [2, 60],
    [5, 480],
    [20, 43_200],
  ])('attempt %i failed: the next one %i s later', (attempts, delaySeconds) => {
    expect(retryLater(attempts, { retryBaseSeconds: 30 })).toEqual({ kind: 'retry', delaySeconds });
  });
});
