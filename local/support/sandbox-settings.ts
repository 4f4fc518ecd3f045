// The settings every sandbox takes besides its vendor's account: where it listens, how slowly its
// API answers, how fast a message's statuses and a call's answer follow, and where its
// diagnostics go. Checked once at start, naming the setting that is wrong.

export const DEFAULT_CALLBACK_DELAY_MS = 200;
export const DEFAULT_CALL_ANSWER_DELAY_MS = 100;

export interface SandboxSettings {
  /** 0 = a random free port (the default). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Artificial delay on every message and call API request, to emulate the distance to the provider. Default 0. */
  latencyMs?: number;
  /** Gap between a message's status changes (and their callbacks). Default 200. */
  callbackDelayMs?: number;
  /** How long a call rings before it is answered (or given up). Default 100. */
  callAnswerDelayMs?: number;
  /** Where brief diagnostics go (failed callbacks, unplayable call documents, handler errors). Default: stderr. */
  log?: (line: string) => void;
}

/** The settings with their defaults; throws a RangeError naming the first one out of range. */
export function resolveSandboxSettings(settings: SandboxSettings, name: string): Required<SandboxSettings> {
  const resolved = {
    port: settings.port ?? 0,
    host: settings.host ?? '127.0.0.1',
    latencyMs: settings.latencyMs ?? 0,
    callbackDelayMs: settings.callbackDelayMs ?? DEFAULT_CALLBACK_DELAY_MS,
    callAnswerDelayMs: settings.callAnswerDelayMs ?? DEFAULT_CALL_ANSWER_DELAY_MS,
    log: settings.log ?? ((line: string) => process.stderr.write(`[${name}] ${line}\n`)),
  };
  requireInteger('port', resolved.port, 0, 65_535);
  requireInteger('latencyMs', resolved.latencyMs, 0, Number.MAX_SAFE_INTEGER);
  requireInteger('callbackDelayMs', resolved.callbackDelayMs, 0, Number.MAX_SAFE_INTEGER);
  requireInteger('callAnswerDelayMs', resolved.callAnswerDelayMs, 0, Number.MAX_SAFE_INTEGER);
  return resolved;
}

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer between ${min} and ${max}, got ${value}`);
  }
}

/** The settings' command-line options, for readCommandLine (local/support/command-line.ts). */
export const SANDBOX_SETTING_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'latency-ms': { type: 'string' },
  'callback-delay-ms': { type: 'string' },
  'call-answer-delay-ms': { type: 'string' },
} as const;

type SettingValues = { [Name in keyof typeof SANDBOX_SETTING_OPTIONS]?: string | undefined };

/**
 * The settings a command line gave: `--port`, else the environment variable `portVariable`, else
 * `defaultPort`; each count read by `count`, which refuses a malformed one.
 */
export function settingsFromCommandLine(
  values: SettingValues,
  count: (name: string, raw: string | undefined, fallback: number, max: number) => number,
  port: { variable: string; fallback: number },
): SandboxSettings {
  return {
    port: count('port', values.port ?? process.env[port.variable], port.fallback, 65_535),
    host: values.host || '127.0.0.1',
    latencyMs: count('latency-ms', values['latency-ms'], 0, 600_000),
    callbackDelayMs: count(
      'callback-delay-ms',
      values['callback-delay-ms'],
      DEFAULT_CALLBACK_DELAY_MS,
      600_000,
    ),
    callAnswerDelayMs: count(
      'call-answer-delay-ms',
      values['call-answer-delay-ms'],
      DEFAULT_CALL_ANSWER_DELAY_MS,
      600_000,
    ),
  };
}
