import { BoundedList } from './bounded-list.ts';
import { phoneDigits } from './phone-number.ts';
import type { MessageStatus, SandboxMessage } from './sandbox-message.ts';

/** Enough for any test run or dev session; the oldest messages go first. */
export const MESSAGE_CAPACITY = 1000;

export class MessageStore {
  readonly #messages = new BoundedList<SandboxMessage>(MESSAGE_CAPACITY);

  add(message: SandboxMessage): void {
    this.#messages.add(message);
  }

  /** A no-op for messages already dropped or cleared: their late lifecycle steps have nowhere to go. */
  setStatus(uuid: string, status: MessageStatus): void {
    const message = this.#messages.find((candidate) => candidate.uuid === uuid);
    if (message) message.status = status;
  }

  /** Newest first, as copies. `dst` matches with or without the leading +. */
  list(dst?: string | null): SandboxMessage[] {
    const wanted = dst ? phoneDigits(dst) : null;
    return this.#messages
      .list()
      .filter((message) => wanted === null || phoneDigits(message.dst) === wanted)
      .map((message) => ({ ...message }));
  }

  clear(): void {
    this.#messages.clear();
  }
}
