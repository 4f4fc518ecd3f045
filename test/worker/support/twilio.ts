import { env } from 'cloudflare:workers';
import { inject } from 'vitest';
import { fieldsOf, type RelayedCallback, relayUrl } from './callbacks.ts';

/**
 * The Twilio sandbox started by test/global-setup.ts (local/twilio-sandbox/): what it received,
 * its faults, and the status callbacks it signed, as the relay recorded them.
 */
export const twilioUrl = (env as unknown as Record<string, string>).TWILIO_BASE_URL as string;
export const TWILIO_STATUS_PATH = '/webhooks/twilio/status';
/** An API key the sandbox's account has (test/global-setup.ts). */
export const twilioApiKey = { sid: inject('twilioApiKeySid'), secret: inject('twilioApiKeySecret') };

// Provided by test/global-setup.ts, which the Worker tests' tsconfig does not include.
declare module 'vitest' {
  export interface ProvidedContext {
    twilioApiKeySid: string;
    twilioApiKeySecret: string;
  }
}

/** Every Messages and Calls API request the sandbox took, newest first, and how it authenticated. */
export async function twilioRequests(): Promise<
  { to: string | null; credentials: string | null; status: number }[]
> {
  const response = await fetch(`${twilioUrl}/__sandbox/requests`);
  return (await response.json()) as { to: string | null; credentials: string | null; status: number }[];
}

export interface TwilioMessage {
  sid: string;
  from: string;
  to: string;
  body: string;
  statusCallback: string | null;
  validityPeriod: number | null;
  status: string;
}

export interface TwilioCall {
  sid: string;
  to: string;
  from: string;
  url: string | null;
  twiml: string | null;
  status: string;
  spokenText: string;
  language: string | null;
}

/** Newest first. `+` is percent-encoded: a bare one in a query string arrives as a space. */
export async function twilioMessages(to: string): Promise<TwilioMessage[]> {
  const response = await fetch(`${twilioUrl}/__sandbox/messages?to=${encodeURIComponent(to)}`);
  return (await response.json()) as TwilioMessage[];
}

export async function twilioCalls(to: string): Promise<TwilioCall[]> {
  const response = await fetch(`${twilioUrl}/__sandbox/calls?to=${encodeURIComponent(to)}`);
  return (await response.json()) as TwilioCall[];
}

/** The code in the newest Twilio SMS to this number: its first run of 6-10 digits. */
export async function twilioCode(to: string): Promise<string> {
  const [latest] = await twilioMessages(to);
  const match = latest?.body.match(/(?<!\d)(\d{6,10})(?!\d)/);
  if (!match?.[1]) throw new Error(`no code SMS from Twilio for ${to}`);
  return match[1];
}

/** The newest call to this number once its TwiML was spoken (the sandbox answers after a ring). */
export async function spokenCall(to: string, timeoutMs = 10_000): Promise<TwilioCall> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [call] = await twilioCalls(to);
    if (call && call.spokenText !== '') return call;
    if (Date.now() > deadline) throw new Error(`no spoken Twilio call to ${to}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function injectTwilioFault(fault: { status?: number; delayMs?: number; count?: number }) {
  await fetch(`${twilioUrl}/__sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
}

export async function clearTwilioFaults() {
  await fetch(`${twilioUrl}/__sandbox/faults`, { method: 'DELETE' });
}

/** Waits until the relay holds `count` status callbacks for this Twilio message. */
export async function twilioCallbacksFor(
  messageSid: string,
  count: number,
  timeoutMs = 10_000,
): Promise<RelayedCallback[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = (await (await fetch(`${relayUrl}/__relay/requests`)).json()) as RelayedCallback[];
    const mine = all.filter((callback) => fieldsOf(callback).get('MessageSid') === messageSid);
    if (mine.length >= count) return mine;
    if (Date.now() > deadline)
      throw new Error(`relay has ${mine.length} of ${count} callbacks for ${messageSid}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
