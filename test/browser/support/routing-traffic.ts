/**
 * Routing traffic through the real API for the dashboard's "Providers and routes" panel
 * (docs/dashboard.md): a route of two providers (`SMS_ROUTES=*:plivo,twilio`), Plivo losing every
 * German SMS (its signed `undelivered` report makes the Worker fail over to Twilio with a fresh
 * code), and Plivo answering 500 to French numbers until its breaker opens.
 */
import { randomInt } from 'node:crypto';
import { expect } from 'vitest';
import { classifyNumberKind } from '../../../src/phone/number-kind.ts';
import { parsePhone } from '../../../src/phone/parse-phone.ts';
import type { DevStack } from './dev-stack.ts';

/** Four random digits outside the sandboxes' scripted endings (00xx). */
const line = () => String(1000 + randomInt(9000));

/**
 * A random mobile number of `country` behind `prefix` that the Worker accepts: not every block of
 * a national plan is allocated (a random +336 number is refused as invalid now and then).
 */
function mobileNumber(prefix: string, country: string): string {
  for (;;) {
    const candidate = `${prefix}${line()}${line()}`;
    const parsed = parsePhone(candidate);
    if (parsed.ok && parsed.country === country && classifyNumberKind(parsed.e164).kind === 'allowed')
      return parsed.e164;
  }
}

export function requestCode(stack: DevStack, phone: string): Promise<Response> {
  return fetch(`${stack.workerUrl}/otp/request`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone }),
  });
}

async function verifyCode(stack: DevStack, verificationId: string, code: string): Promise<number> {
  const response = await fetch(`${stack.workerUrl}/otp/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ verificationId, code }),
  });
  return response.status;
}

/** The code in the newest SMS the Twilio sandbox took for `phone`, waiting for it. */
async function twilioCode(stack: DevStack, phone: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const response = await fetch(`${stack.twilioUrl}/__sandbox/messages?to=${encodeURIComponent(phone)}`);
    const [message] = (await response.json()) as { body: string }[];
    // The only run of digits in the text, in whichever language the number's country reads.
    const code = message?.body.match(/(?<!\d)(\d{4,10})(?!\d)/)?.[1];
    if (code) return code;
    if (Date.now() > deadline) throw new Error(`no Twilio SMS for ${phone}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function sandboxFault(url: string, path: string, body: object | null): Promise<void> {
  const response = await fetch(`${url}${path}`, {
    method: body ? 'POST' : 'DELETE',
    headers: { 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  expect(response.ok).toBe(true);
}

/** German users whose Plivo SMS is lost: each verifies with the code Twilio brought. */
export async function failedOverUsers(stack: DevStack, users: number): Promise<void> {
  await sandboxFault(stack.sandboxUrl, '/__sandbox/faults?api=drops', { country: 'DE', percent: 100 });
  for (let user = 0; user < users; user += 1) {
    const phone = mobileNumber('+49151', 'DE');
    const sent = await requestCode(stack, phone);
    expect(sent.status).toBe(200);
    const { verificationId } = (await sent.json()) as { verificationId: string };
    expect(await verifyCode(stack, verificationId, await twilioCode(stack, phone))).toBe(200);
  }
  await sandboxFault(stack.sandboxUrl, '/__sandbox/faults?api=drops', null);
}

/**
 * French sends while Plivo answers 500: each goes on to Twilio in the same request, and Plivo's
 * errors open its breaker (BREAKER_MIN_REQUESTS of them in a fresh BREAKER_WINDOW_SECONDS).
 */
export async function plivoOutage(stack: DevStack, sends: number, windowSeconds: number): Promise<void> {
  // The earlier sends' successes are in the breaker's current window: start a fresh one.
  await new Promise((resolve) => setTimeout(resolve, (windowSeconds + 1) * 1000));
  await sandboxFault(stack.sandboxUrl, '/__sandbox/faults', { status: 500, count: 1000 });
  for (let send = 0; send < sends; send += 1) {
    const response = await requestCode(stack, mobileNumber('+336', 'FR'));
    expect(response.status, await response.text()).toBe(200);
  }
  await sandboxFault(stack.sandboxUrl, '/__sandbox/faults', null);
}

/** Until two reads a second apart agree: delivery reports arrive after the responses. */
export async function settled<T>(read: () => Promise<T>): Promise<T> {
  let last = JSON.stringify(await read());
  for (let attempt = 0; attempt < 30; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const value = await read();
    const now = JSON.stringify(value);
    if (now === last) return value;
    last = now;
  }
  throw new Error('the stats kept changing');
}
