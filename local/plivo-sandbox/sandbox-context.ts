import type { FaultInjector } from '../support/faults.ts';
import type { DeliverySimulator } from './delivery-simulator.ts';
import type { MessageStore, SandboxMessage, SendAttemptLog } from './messages.ts';

/** Everything a request handler may read or change; one per running sandbox. */
export interface SandboxContext {
  authId: string;
  authToken: string;
  latencyMs: number;
  messages: MessageStore;
  attempts: SendAttemptLog;
  faults: FaultInjector;
  delivery: DeliverySimulator;
  /** Aborted when the sandbox closes, so requests waiting out a delay stop waiting. */
  shutdown: AbortSignal;
  onMessage: (message: SandboxMessage) => void;
  log: (line: string) => void;
}
