import { expect } from 'vitest';
import { parsePlivoXml } from '../../../local/plivo-sandbox/plivo-xml.ts';
import { type RelayedCallback, relayUrl } from './callbacks.ts';
import { plivoUrl } from './stack.ts';

/**
 * Calls the Plivo sandbox placed, and what they say: the sandbox requests the answer URL, signed,
 * at PUBLIC_BASE_URL (the callback relay in tests); a test replays that request into the Worker
 * and plays the XML with the sandbox's own parser.
 */

export interface SandboxCall {
  to: string;
  from: string;
  answerUrl: string;
  answerMethod: string;
}

export async function callTo(phone: string): Promise<SandboxCall> {
  const calls = (await (
    await fetch(`${plivoUrl}/__sandbox/calls?to=${encodeURIComponent(phone)}`)
  ).json()) as SandboxCall[];
  const [call] = calls;
  if (!call) throw new Error(`no call to ${phone}`);
  return call;
}

/** The answer request the sandbox sent for this call, as the relay recorded it. */
export async function answerRequestOf(call: SandboxCall): Promise<RelayedCallback> {
  const path = new URL(call.answerUrl).pathname;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const all = (await (await fetch(`${relayUrl}/__relay/requests`)).json()) as RelayedCallback[];
    const found = all.find((request) => request.path === path);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no answer request for ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What the call says, as the sandbox would play it: every <Speak> text times its loop. */
export async function spoken(response: Response): Promise<string> {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/xml/);
  const parsed = parsePlivoXml(await response.text());
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.instructions
    .flatMap((instruction) =>
      instruction.kind === 'speak' ? Array<string>(instruction.loop).fill(instruction.text) : [],
    )
    .join(' ');
}

export function digitsOf(text: string): string {
  return text.replace(/\D/g, '');
}
