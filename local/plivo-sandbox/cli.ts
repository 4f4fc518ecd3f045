// `npm run local:plivo -- --port 8790 [--auth-id X --auth-token Y] [--latency-ms N]`
// Runs the Plivo sandbox in the foreground and prints each SMS, WhatsApp message and call it
// receives, like a local mail catcher.

import { startLocalStack } from '../stack.ts';
import { readCommandLine } from '../support/command-line.ts';
import {
  DEFAULT_CALL_ANSWER_DELAY_MS,
  DEFAULT_CALLBACK_DELAY_MS,
  SANDBOX_SETTING_OPTIONS,
  settingsFromCommandLine,
} from '../support/sandbox-settings.ts';
import { handleStopSignals } from '../support/stop-signals.ts';
import type { SandboxCall, SandboxMessage } from './server.ts';

const DEFAULT_PORT = 8790;
const DEFAULT_AUTH_ID = 'MAsandbox000000000000';
const DEFAULT_AUTH_TOKEN = 'sandbox-auth-token';

const USAGE = `Usage: node local/plivo-sandbox/cli.ts [options]

A local Plivo-compatible sandbox: accepts Message API sends (SMS, WhatsApp) and Call API calls,
shows them in an inbox page, sends signed delivery-status callbacks and requests answer URLs.

Options:
  --port <n>               port to listen on, 0 = random   (env PLIVO_SANDBOX_PORT, default ${DEFAULT_PORT})
  --host <addr>            address to bind                 (default 127.0.0.1)
  --auth-id <id>           account auth id                 (env PLIVO_AUTH_ID, default ${DEFAULT_AUTH_ID})
  --auth-token <token>     account auth token              (env PLIVO_AUTH_TOKEN, default ${DEFAULT_AUTH_TOKEN})
  --latency-ms <n>         delay every Message API request (default 0)
  --callback-delay-ms <n>  gap between status callbacks    (default ${DEFAULT_CALLBACK_DELAY_MS})
  --call-answer-delay-ms <n> ring time before a call is answered (default ${DEFAULT_CALL_ANSWER_DELAY_MS})
  -h, --help               show this help
`;

function describeMessage(message: SandboxMessage): string {
  const sender = message.src ?? `powerpack ${message.powerpackUuid}`;
  if (message.type === 'whatsapp' && message.template) {
    const values = message.template.components.flatMap((component) => component.parameters);
    return `WhatsApp to ${message.dst} from ${sender}: template ${message.template.name} (${message.template.language}) ${JSON.stringify(values)}\n`;
  }
  return `SMS to ${message.dst} from ${sender}: ${JSON.stringify(message.text)}\n`;
}

// Printed when the call is placed: what is spoken is known only once the answer URL has answered (see the inbox).
function describeCall(call: SandboxCall): string {
  return `Call to ${call.to} from ${call.from}, answer URL ${call.answerUrl}\n`;
}

const { values, count } = readCommandLine(USAGE, {
  ...SANDBOX_SETTING_OPTIONS,
  'auth-id': { type: 'string' },
  'auth-token': { type: 'string' },
});
const signals = handleStopSignals();

const authId = values['auth-id'] || process.env.PLIVO_AUTH_ID || DEFAULT_AUTH_ID;
const stack = await startLocalStack({
  plivo: {
    authId,
    authToken: values['auth-token'] || process.env.PLIVO_AUTH_TOKEN || DEFAULT_AUTH_TOKEN,
    ...settingsFromCommandLine(values, count, { variable: 'PLIVO_SANDBOX_PORT', fallback: DEFAULT_PORT }),
    onMessage: (message) => process.stdout.write(describeMessage(message)),
    onCall: (call) => process.stdout.write(describeCall(call)),
  },
});
const sandbox = stack.plivo;
signals.closeOnStop(sandbox);
process.stdout.write(`Plivo sandbox on ${sandbox.url} (auth id ${authId}, inbox at ${sandbox.url}/)\n`);
