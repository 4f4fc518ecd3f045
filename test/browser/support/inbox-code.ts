/**
 * The code a user would read (or hear) last, from the Plivo sandbox's inbox: the newest SMS or
 * WhatsApp message once delivered, or the newest call once it has spoken. A message that failed
 * waits for a call instead (`channel: "auto"` places one), so the code read is never one that a
 * fallback is about to replace. Plain Node: the doc
 * examples' runner and the programs it starts (example-givens.ts) both use it.
 */

interface SandboxMessage {
  type: 'sms' | 'whatsapp';
  dst: string;
  text: string | null;
  template: { components: { type: string; parameters: string[] }[] } | null;
  status: string;
  receivedAt: string;
}

interface SandboxCall {
  to: string;
  status: string;
  spokenText: string | null;
  receivedAt: string;
}

const DELIVERED = new Set(['delivered', 'read']);

/** `phone`: E.164; without it, whoever got the newest message or call. */
export async function codeInInbox(sandboxUrl: string, phone?: string, timeoutMs = 15_000): Promise<string> {
  const query = (name: string) => (phone ? `?${name}=${encodeURIComponent(phone)}` : '');
  const deadline = Date.now() + timeoutMs;
  let seen = 'nothing';
  for (;;) {
    const [messages, calls] = await Promise.all([
      fetch(`${sandboxUrl}/__sandbox/messages${query('dst')}`).then(
        (r) => r.json() as Promise<SandboxMessage[]>,
      ),
      fetch(`${sandboxUrl}/__sandbox/calls${query('to')}`).then((r) => r.json() as Promise<SandboxCall[]>),
    ]);
    const newest = [
      ...messages.map((message) => ({ at: message.receivedAt, message })),
      ...calls.map((call) => ({ at: call.receivedAt, call })),
    ].sort((a, b) => b.at.localeCompare(a.at))[0];
    if (newest && 'message' in newest) {
      const { message } = newest;
      seen = `${message.type} ${message.status}`;
      const code =
        message.type === 'whatsapp'
          ? message.template?.components.find((part) => part.type === 'body')?.parameters[0]
          : /\b(\d{4,10})\b/.exec(message.text ?? '')?.[1];
      if (code && DELIVERED.has(message.status)) return code;
    } else if (newest && 'call' in newest) {
      const { call } = newest;
      seen = `call ${call.status}`;
      if (call.status === 'completed' && call.spokenText) {
        // Spoken digit by digit ("4, 2, 7, ..."), twice.
        const digits = /\b(\d(?:, \d){3,9})\b/.exec(call.spokenText)?.[1];
        if (digits) return digits.replaceAll(', ', '');
      }
      if (call.status === 'failed') throw new Error(`the call to ${call.to} failed`);
    }
    if (Date.now() > deadline)
      throw new Error(`no code in the sandbox inbox for ${phone ?? 'anyone'} (newest: ${seen})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
