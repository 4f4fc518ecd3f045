import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devEnvironmentVar } from '../../local/dev-vars.ts';
import { startLocalStack } from '../../local/stack.ts';
import { generateOtpSecret, generateReceiptKey } from '../../scripts/keygen.ts';
import { launchChromium } from './support/chromium.ts';
import { latestSmsCode } from './support/dev-stack.ts';

/**
 * A newcomer exploring `npm run dev`: wrangler.toml's [env.dev] exactly as it runs (development,
 * every request from 127.0.0.1), the sandbox beside the stack's own Redis. Exploring a while is not
 * refused; a limit met anyway says how to lift it, and the inbox's button (or the command) does.
 */

const run = promisify(execFile);
let browser: Browser;
let stack: Awaited<ReturnType<typeof startDevLikeStack>>;

async function startDevLikeStack() {
  return startLocalStack({
    redisRest: { token: 'dev-limits-test-token' },
    plivo: { authId: 'MADEVLIMITS000000001', authToken: 'dev-limits-plivo-token', log: () => undefined },
    limitResetKeyPrefix: devEnvironmentVar('KEY_PREFIX') ?? '',
    worker: {
      secrets: {
        OTP_SECRET: generateOtpSecret(),
        RECEIPT_SIGNING_KEY: JSON.stringify((await generateReceiptKey()).privateJwk),
        PLIVO_SENDER: 'OTPEDGE',
      },
    },
  });
}

beforeAll(async () => {
  [browser, stack] = await Promise.all([launchChromium(), startDevLikeStack()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** A US mobile-or-fixed number in its own block and range, so the fraud guard sees fresh cells. */
function numberInBlock(index: number): string {
  const areas = ['212', '310', '415', '617', '206', '312', '512', '303', '404', '713', '305', '702', '503'];
  return `+1${areas[index % areas.length]}${200 + randomInt(700)}${String(randomInt(10_000)).padStart(4, '0')}`;
}

async function post(pathname: string, body: unknown) {
  const response = await fetch(`${stack.worker.url}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, Record<string, unknown>>,
  };
}

describe('npm run dev for a newcomer', () => {
  it('serves a dozen request-and-verify flows from 127.0.0.1 (production allows one client 10 an hour)', async () => {
    for (let flow = 0; flow < 12; flow += 1) {
      const phone = numberInBlock(flow);
      const sent = await post('/otp/request', { phone });
      expect(sent, `flow ${flow + 1}`).toMatchObject({ status: 200 });
      const code = await latestSmsCode(stack.plivo.url, phone);
      expect(await post('/otp/verify', { verificationId: sent.body.verificationId, code })).toMatchObject({
        status: 200,
      });
    }
  });

  it('a limit met says how to lift it; the inbox button lifts it, and a code in flight still verifies', async () => {
    const phone = numberInBlock(5);
    const first = await post('/otp/request', { phone });
    expect(first.status).toBe(200);
    const code = await latestSmsCode(stack.plivo.url, phone);
    const cooldown = await post('/otp/request', { phone });
    expect(cooldown.status).toBe(429);
    expect(cooldown.body.error?.code).toBe('resend_too_soon');
    expect(cooldown.body.error?.hint).toContain(
      `"Reset local limits" in the Plivo sandbox inbox (${stack.plivo.url}/)`,
    );

    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(`${stack.plivo.url}/`);
    await page.getByRole('button', { name: 'Reset local limits' }).click();
    await page.getByText(/^Local limits reset \(\d+ keys deleted\)/).waitFor();
    // The inbox's own same-origin requests pass the sandbox's browser lockdown.
    await page.getByRole('button', { name: 'Clear inbox' }).click();
    await page.getByText('No messages yet').waitFor();
    expect(consoleErrors).toEqual([]);
    await page.close();

    expect(await post('/otp/verify', { verificationId: first.body.verificationId, code })).toMatchObject({
      status: 200,
    });
    expect((await post('/otp/request', { phone })).status).toBe(200);
  });

  it('`npm run local:reset-limits` does the same from a terminal', async () => {
    const phone = numberInBlock(7);
    expect((await post('/otp/request', { phone })).status).toBe(200);
    expect((await post('/otp/request', { phone })).status).toBe(429);
    const { stdout } = await run(process.execPath, [path.resolve('local/reset-limits.ts')], {
      env: { ...process.env, PLIVO_SANDBOX_PORT: new URL(stack.plivo.url).port },
    });
    expect(stdout).toMatch(/keys deleted/);
    expect((await post('/otp/request', { phone })).status).toBe(200);
  });
});
