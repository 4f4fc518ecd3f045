import type { CodeStore, IssuePolicy } from './code-store.ts';
import { generateCode } from './generate-code.ts';
import type { KeyedHasher } from './keyed-hash.ts';
import type { RandomSource, SmsSender } from './ports.ts';

export interface RequestCodeDeps {
  store: CodeStore;
  sender: SmsSender;
  hasher: KeyedHasher;
  random: RandomSource;
  composeText(code: string): string;
}

export interface RequestCodeSettings extends IssuePolicy {
  codeLength: number;
}

export type RequestCodeOutcome =
  | { kind: 'sent'; expiresInSeconds: number; resendAfterSeconds: number }
  | { kind: 'resend_too_soon'; retryAfterSeconds: number }
  | { kind: 'locked'; retryAfterSeconds: number }
  | { kind: 'sms_rejected'; providerStatus: number }
  | { kind: 'sms_uncertain'; retryAfterSeconds: number };

/**
 * Store first, then send: an SMS never carries a code the store does not hold. If the store
 * fails, it throws before anything is sent. The caller has already applied the rate limits.
 */
export async function requestCode(
  e164: string,
  settings: RequestCodeSettings,
  deps: RequestCodeDeps,
): Promise<RequestCodeOutcome> {
  const code = generateCode(settings.codeLength, deps.random);
  const [phoneTag, codeTag] = await Promise.all([
    deps.hasher.phoneTag(e164),
    deps.hasher.codeTag(e164, code),
  ]);

  const issued = await deps.store.issue(phoneTag, codeTag, settings);
  if (issued.kind === 'cooldown')
    return { kind: 'resend_too_soon', retryAfterSeconds: issued.retryAfterSeconds };
  if (issued.kind === 'locked') return { kind: 'locked', retryAfterSeconds: issued.retryAfterSeconds };

  const sent = await deps.sender.send({
    to: e164,
    text: deps.composeText(code),
    ttlSeconds: settings.ttlSeconds,
  });
  switch (sent.kind) {
    case 'accepted':
      return {
        kind: 'sent',
        expiresInSeconds: settings.ttlSeconds,
        resendAfterSeconds: settings.resendCooldownSeconds,
      };
    case 'rejected':
      // Refused for good: nobody received this code, so it must not stay valid.
      await deps.store.revoke(phoneTag, codeTag, settings);
      return { kind: 'sms_rejected', providerStatus: sent.status };
    case 'uncertain':
      // The SMS may have gone out: keep the code, retry nothing (a second SMS would carry a second
      // code and void the first). The cooldown tells the caller when a new request can go through.
      return { kind: 'sms_uncertain', retryAfterSeconds: Math.max(1, settings.resendCooldownSeconds) };
  }
}
