// Scripted silent delivery failures for the sandboxes (`/__sandbox/faults?api=drops`): a share of
// the messages to a country is accepted by the API as usual (202 / 201, a message id) but never
// reaches the inbox, and its delivery reports end `undelivered`, as a carrier that loses messages
// without refusing them looks to the sender. What routing failover and adaptive routing are for.

import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { BoundedList } from './bounded-list.ts';

/** A message the sandbox lost on purpose, kept where tests can read it (never in the inbox). */
export interface DroppedMessage {
  id: string;
  to: string;
  text: string;
  droppedAt: string;
}

export type DropPlanParse = { ok: true; country: string; percent: number } | { ok: false; error: string };

/** Accepts `{"country": "GB", "percent": 30}`; percent 0 stops dropping for that country. */
export function parseDropPlan(body: unknown): DropPlanParse {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: 'expected a JSON object like {"country": "GB", "percent": 30}' };
  }
  const { country, percent } = body as Record<string, unknown>;
  if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)) {
    return { ok: false, error: '"country" must be an ISO 3166-1 alpha-2 code like GB' };
  }
  if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0 || percent > 100) {
    return { ok: false, error: '"percent" must be a number from 0 to 100' };
  }
  return { ok: true, country, percent };
}

/** Per country, the share of messages lost without a word. */
export class SilentDrops {
  readonly #percentByCountry = new Map<string, number>();
  readonly #dropped = new BoundedList<DroppedMessage>(500);
  readonly #draw: () => number;

  /** `draw`: a uniform number in [0, 1), Math.random unless a test fixes it. */
  constructor(draw: () => number = Math.random) {
    this.#draw = draw;
  }

  set(country: string, percent: number): void {
    if (percent === 0) this.#percentByCountry.delete(country);
    else this.#percentByCountry.set(country, percent);
  }

  clear(): void {
    this.#percentByCountry.clear();
    this.#dropped.clear();
  }

  /** Keeps a dropped message for `GET /__sandbox/faults?api=drops` (`dropped`, newest first). */
  remember(message: DroppedMessage): void {
    this.#dropped.add(message);
  }

  dropped(): DroppedMessage[] {
    return this.#dropped.list();
  }

  current(): Record<string, number> {
    return Object.fromEntries(this.#percentByCountry);
  }

  /** Whether the message to this number (E.164, with or without `+`) is lost. */
  take(to: string): boolean {
    if (this.#percentByCountry.size === 0) return false;
    const country = parsePhoneNumberFromString(`+${to.replace(/^\+/, '')}`)?.country;
    const percent = country === undefined ? undefined : this.#percentByCountry.get(country);
    return percent !== undefined && this.#draw() * 100 < percent;
  }
}
