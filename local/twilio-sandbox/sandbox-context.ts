import type { ApiFaults } from '../support/sandbox-fault-api.ts';
import type { CallSimulator } from './call-simulator.ts';
import type { CallStore, SandboxCall } from './calls.ts';
import type { Account } from './credentials.ts';
import type { DeliverySimulator } from './delivery-simulator.ts';
import type { SenderPool } from './message-request.ts';
import type { MessageStore, RequestLog, SandboxMessage } from './messages.ts';

/** Everything a request handler may read or change; one per running sandbox. */
export interface SandboxContext {
  account: Account;
  pool: SenderPool;
  latencyMs: number;
  messages: MessageStore;
  calls: CallStore;
  requests: RequestLog;
  faults: ApiFaults;
  delivery: DeliverySimulator;
  callSimulator: CallSimulator;
  /** Aborted when the sandbox closes, so requests waiting out a delay stop waiting. */
  shutdown: AbortSignal;
  onMessage: (message: SandboxMessage) => void;
  onCall: (call: SandboxCall) => void;
  log: (line: string) => void;
}
