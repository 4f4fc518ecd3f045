// `npm run local:twilio -- --port 8791 [--account-sid AC... --auth-token T] [--api-key SK...:secret]`
// Runs the Twilio sandbox in the foreground and prints each SMS and call it receives, like a local
// mail catcher. Not part of `npm run dev` (yet): start it beside the stack when an adapter needs it.

import { readCommandLine } from '../support/command-line.ts';
import {
  DEFAULT_CALL_ANSWER_DELAY_MS,
  DEFAULT_CALLBACK_DELAY_MS,
  SANDBOX_SETTING_OPTIONS,
  settingsFromCommandLine,
} from '../support/sandbox-settings.ts';
import { handleStopSignals } from '../support/stop-signals.ts';
import { DEFAULT_GEO_DENIED_PREFIXES } from './scripted-numbers.ts';
import {
  type ApiKey,
  DEFAULT_MESSAGING_SERVICE_SID,
  DEFAULT_SENDERS,
  type SandboxCall,
  type SandboxMessage,
  startTwilioSandbox,
} from './server.ts';

const DEFAULT_PORT = 8791;
const DEFAULT_ACCOUNT_SID = 'AC00000000000000000000000000000001';
const DEFAULT_AUTH_TOKEN = 'sandbox-auth-token';

const USAGE = `Usage: node local/twilio-sandbox/cli.ts [options]

A local Twilio-compatible sandbox: accepts Messages and Calls API requests (2010-04-01, form
bodies, Basic auth), shows them in an inbox page, sends signed status callbacks and fetches TwiML.

Options:
  --port <n>                 port to listen on, 0 = random   (env TWILIO_SANDBOX_PORT, default ${DEFAULT_PORT})
  --host <addr>              address to bind                 (default 127.0.0.1)
  --account-sid <AC...>      account SID                     (env TWILIO_ACCOUNT_SID, default ${DEFAULT_ACCOUNT_SID})
  --auth-token <token>       auth token, also signs webhooks (env TWILIO_AUTH_TOKEN, default ${DEFAULT_AUTH_TOKEN})
  --api-key <SK...:secret>   an API key of the account, repeatable (env TWILIO_API_KEY with TWILIO_API_SECRET)
  --sender <from>            a number (E.164) or sender ID the account owns, repeatable (default ${DEFAULT_SENDERS.join(', ')})
  --geo-denied <prefix>      a To prefix geo permissions refuse, repeatable (default ${DEFAULT_GEO_DENIED_PREFIXES.join(', ')})
  --latency-ms <n>           delay every API request         (default 0)
  --callback-delay-ms <n>    gap between status changes      (default ${DEFAULT_CALLBACK_DELAY_MS})
  --call-answer-delay-ms <n> ring time before a call is answered (default ${DEFAULT_CALL_ANSWER_DELAY_MS})
  -h, --help                 show this help

Messaging Service: ${DEFAULT_MESSAGING_SERVICE_SID} (its pool is the senders).
`;

function apiKeysFrom(given: readonly string[] | undefined): ApiKey[] {
  const keys = (given ?? []).map((value) => {
    const colon = value.indexOf(':');
    if (colon < 0) fail('--api-key takes SK...:secret');
    return { sid: value.slice(0, colon), secret: value.slice(colon + 1) };
  });
  const { TWILIO_API_KEY: sid, TWILIO_API_SECRET: secret } = process.env;
  if (sid && secret) keys.push({ sid, secret });
  return keys;
}

function describeMessage(message: SandboxMessage): string {
  return `SMS to ${message.to} from ${message.from}: ${JSON.stringify(message.body)}\n`;
}

// Printed when the call is placed: what is said is known only once the TwiML has been read (see the inbox).
function describeCall(call: SandboxCall): string {
  return `Call to ${call.to} from ${call.from}, TwiML from ${call.url ?? 'the Twiml parameter'}\n`;
}

const { values, fail, count } = readCommandLine(USAGE, {
  ...SANDBOX_SETTING_OPTIONS,
  'account-sid': { type: 'string' },
  'auth-token': { type: 'string' },
  'api-key': { type: 'string', multiple: true },
  sender: { type: 'string', multiple: true },
  'geo-denied': { type: 'string', multiple: true },
});
const signals = handleStopSignals();

const accountSid = values['account-sid'] || process.env.TWILIO_ACCOUNT_SID || DEFAULT_ACCOUNT_SID;
const sandbox = await startTwilioSandbox({
  accountSid,
  authToken: values['auth-token'] || process.env.TWILIO_AUTH_TOKEN || DEFAULT_AUTH_TOKEN,
  apiKeys: apiKeysFrom(values['api-key']),
  senders: values.sender?.length ? values.sender : DEFAULT_SENDERS,
  geoDeniedPrefixes: values['geo-denied']?.length ? values['geo-denied'] : DEFAULT_GEO_DENIED_PREFIXES,
  ...settingsFromCommandLine(values, count, { variable: 'TWILIO_SANDBOX_PORT', fallback: DEFAULT_PORT }),
  onMessage: (message) => process.stdout.write(describeMessage(message)),
  onCall: (call) => process.stdout.write(describeCall(call)),
}).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
signals.closeOnStop(sandbox);
process.stdout.write(`Twilio sandbox on ${sandbox.url} (account ${accountSid}, inbox at ${sandbox.url}/)\n`);
