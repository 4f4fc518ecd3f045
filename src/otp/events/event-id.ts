import { base64url } from '../base64url.ts';
import type { RandomSource } from '../ports.ts';
import type { EventType } from './service-event.ts';

const ID_BYTES = 18;

/**
 * `evt_` and 24 base64url characters. Facts that happen once per verification (sent, approved,
 * canceled, expired, max attempts) or once per message status get an id derived from what they
 * are about (SHA-256 of type and subject), so emitting one twice yields the same id and the
 * receiver's de-duplication absorbs it; the others get a random one.
 */
export async function eventIdFor(type: EventType, subject: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${type}\n${subject}`));
  return `evt_${base64url(new Uint8Array(digest).slice(0, ID_BYTES))}`;
}

export function randomEventId(random: RandomSource): string {
  const bytes = new Uint8Array(ID_BYTES);
  random.fill(bytes);
  return `evt_${base64url(bytes)}`;
}
