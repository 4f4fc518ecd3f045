import { DependencyUnavailableError } from '../../otp/dependency-error.ts';
import { type DependencyTimer, untimed } from '../../otp/ports.ts';
import { runScript } from './run-script.ts';
import type { ScriptClient } from './script-client.ts';

/** Counts store round trips for the request log (the tests count them at the REST server). */
export interface RoundTripCounter {
  storeRoundTrips: number;
}

/** A script's answer `{kind, number}`: what happened and a number that goes with it. */
export type ScriptReply = [kind: string, value: number];

export interface StoreCallOptions<T> {
  /** Prefixes the failure detail, e.g. `rate limiter`. */
  label?: string;
  /** False when the call was answered without leaving the Worker (a cached block): not counted. */
  wentOut?: (result: T) => boolean;
}

/**
 * The one door to the store. Each call is one round trip: counted for the request log, and any
 * failure becomes DependencyUnavailableError('store') with a detail safe to log.
 */
export interface StoreCalls {
  /** One Lua script (EVALSHA, EVAL after a Redis restart); its raw reply. */
  script(script: string, keys: string[], args: (string | number)[]): Promise<unknown>;
  roundTrip<T>(send: () => Promise<T>, options?: StoreCallOptions<T>): Promise<T>;
}

/** `timer`: each round trip's wall time goes to the request's `store` span (Server-Timing). */
export function createStoreCalls(
  redis: ScriptClient,
  counter: RoundTripCounter,
  timer: DependencyTimer = untimed,
): StoreCalls {
  return {
    async roundTrip<T>(send: () => Promise<T>, options: StoreCallOptions<T> = {}): Promise<T> {
      let result: T;
      try {
        result = await timer.time('store', send);
      } catch (error) {
        counter.storeRoundTrips += 1;
        const label = options.label ? `${options.label}: ` : '';
        throw new DependencyUnavailableError('store', `${label}${describeStoreError(error)}`);
      }
      if (options.wentOut?.(result) ?? true) counter.storeRoundTrips += 1;
      return result;
    },
    script(script, keys, args) {
      return this.roundTrip(() => runScript(redis, script, keys, args));
    },
  };
}

/** Most scripts here answer `{kind, number}`; anything else is the store failing. */
export function parseScriptReply(reply: unknown): ScriptReply {
  if (!Array.isArray(reply) || reply.length !== 2) throw unexpectedReply(typeof reply);
  return [String(reply[0]), Number(reply[1])];
}

/**
 * A script answering something else means a bug or a store that is not Redis: treat it as the
 * store failing rather than guessing.
 */
export function unexpectedReply(what: string): DependencyUnavailableError {
  return new DependencyUnavailableError('store', `unexpected script reply (${what})`);
}

/**
 * A loggable description of a store failure. @upstash/redis error messages end with
 * `command was: [...]`, which carries key names and script arguments (code HMACs): cut it off.
 */
function describeStoreError(error: unknown): string {
  if (!(error instanceof Error)) return 'non-error thrown';
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `timeout (${error.name})`;
  const message = error.message.split(', command was:')[0] ?? '';
  return `${error.name}: ${message.slice(0, 120)}`;
}
