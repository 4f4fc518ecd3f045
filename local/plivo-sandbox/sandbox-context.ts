import type { ApiFaults } from '../support/sandbox-fault-api.ts';
import type { CallSimulator } from './call-simulator.ts';
import type { CallStore, SandboxCall } from './calls.ts';
import type { DeliverySimulator } from './delivery-simulator.ts';
import type { MessageStore, SandboxMessage, SendAttemptLog } from './messages.ts';

/** Everything a request handler may read or change; one per running sandbox. */
export interface SandboxContext {
  /** The address the sandbox listens on (a local name for the browser lockdown). */
  bindHost: string;
  authId: string;
  authToken: string;
  latencyMs: number;
  messages: MessageStore;
  calls: CallStore;
  attempts: SendAttemptLog;
  faults: ApiFaults;
  delivery: DeliverySimulator;
  callSimulator: CallSimulator;
  /** Aborted when the sandbox closes, so requests waiting out a delay stop waiting. */
  shutdown: AbortSignal;
  onMessage: (message: SandboxMessage) => void;
  onCall: (call: SandboxCall) => void;
  log: (line: string) => void;
  /** Present when the sandbox runs beside the local Redis (npm run dev): see PlivoSandboxOptions. */
  resetLimits: (() => Promise<{ deleted: number; patterns: string[] }>) | undefined;
}
