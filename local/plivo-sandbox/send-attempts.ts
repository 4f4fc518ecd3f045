import { BoundedList } from './bounded-list.ts';
import type { SendAttempt } from './sandbox-message.ts';

export const SEND_ATTEMPT_CAPACITY = 1000;

/** Every request to the Message API, accepted or not: what `GET /__sandbox/requests` lists. */
export class SendAttemptLog {
  readonly #attempts = new BoundedList<SendAttempt>(SEND_ATTEMPT_CAPACITY);

  record(attempt: SendAttempt): void {
    this.#attempts.add(attempt);
  }

  /** Newest first. */
  list(): SendAttempt[] {
    return this.#attempts.list().map((attempt) => ({ ...attempt }));
  }

  clear(): void {
    this.#attempts.clear();
  }
}
