// The records the sandbox keeps; re-exported from server.ts, which is what other code imports.

export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'failed' | 'undelivered';

export interface SandboxMessage {
  uuid: string;
  src: string | null;
  powerpackUuid: string | null;
  dst: string;
  text: string;
  /** ISO 8601 */
  receivedAt: string;
  status: MessageStatus;
  url: string | null;
  log: unknown;
  messageExpiry: number | null;
}

/** One request to the Message API, whatever became of it (so tests can assert "nothing was attempted"). */
export interface SendAttempt {
  receivedAt: string;
  dst: string | null;
  outcome: 'accepted' | 'failed' | 'delayed';
  status: number;
  messageUuid: string | null;
  error: string | null;
}
