// The messages the sandbox accepted (what GET /__sandbox/messages lists) and every Messages or
// Calls API request it received, accepted or not (GET /__sandbox/requests).

import { BoundedList } from '../support/bounded-list.ts';

/** What the sandbox's messages go through; Twilio's full list also has sending, scheduled, read... */
export type MessageStatus = 'accepted' | 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed';

export interface SandboxMessage {
  /** SM + 32 hex digits. */
  sid: string;
  from: string;
  to: string;
  body: string;
  messagingServiceSid: string | null;
  statusCallback: string | null;
  /** Seconds, as asked; the sandbox never holds a message long enough for it to matter. */
  validityPeriod: number | null;
  status: MessageStatus;
  errorCode: number | null;
  numSegments: number;
  /** ISO 8601 */
  dateCreated: string;
  /** ISO 8601; null until the message is sent. */
  dateSent: string | null;
  /** ISO 8601 */
  dateUpdated: string;
}

/** One request to the Messages or Calls API, whatever became of it. */
export interface ApiRequestRecord {
  api: 'message' | 'call';
  /** ISO 8601 */
  receivedAt: string;
  to: string | null;
  outcome: 'accepted' | 'refused' | 'delayed';
  status: number;
  /** Twilio's error code when refused. */
  code: number | null;
  sid: string | null;
  /** How the request authenticated, when it did. */
  credentials: 'auth-token' | 'api-key' | null;
}

/** Twilio numbers carry their +; a + typed in a query string (?to=+1555…) arrives decoded as a space. */
export function samePhoneNumber(a: string, b: string): boolean {
  const digits = (value: string) => value.trim().replace(/^\+/, '');
  return digits(a) === digits(b);
}

export const MESSAGE_CAPACITY = 1000;

export class MessageStore {
  readonly #messages = new BoundedList<SandboxMessage>(MESSAGE_CAPACITY);

  add(message: SandboxMessage): void {
    this.#messages.add(message);
  }

  /** A no-op for messages already dropped or cleared. */
  update(sid: string, change: Partial<Omit<SandboxMessage, 'sid'>>): void {
    const message = this.#messages.find((candidate) => candidate.sid === sid);
    if (message) Object.assign(message, change);
  }

  /** Newest first, as copies. */
  list(to?: string | null): SandboxMessage[] {
    return this.#messages
      .list()
      .filter((message) => !to || samePhoneNumber(message.to, to))
      .map((message) => ({ ...message }));
  }

  clear(): void {
    this.#messages.clear();
  }
}

export const REQUEST_CAPACITY = 1000;

export class RequestLog {
  readonly #requests = new BoundedList<ApiRequestRecord>(REQUEST_CAPACITY);

  record(request: ApiRequestRecord): void {
    this.#requests.add(request);
  }

  list(): ApiRequestRecord[] {
    return this.#requests.list().map((request) => ({ ...request }));
  }

  clear(): void {
    this.#requests.clear();
  }
}
