import { classifyNumberKind, type RefusedNumberType } from '../phone/number-kind.ts';
import { parsePhone } from '../phone/parse-phone.ts';
import { hourBucket } from '../stats/hour-bucket.ts';
import { generateCode } from './generate-code.ts';
import type { KeyedHasher } from './keyed-hash.ts';
import { chooseSmsLocale } from './messages/choose-locale.ts';
import { composeOtpMessage, type OtpMessageSettings } from './otp-message.ts';
import type { OtpPolicy } from './otp-policy.ts';
import type {
  Clock,
  CodeStore,
  OperatorLog,
  RandomSource,
  SendAdmission,
  SendScope,
  SentMessageLog,
  SmsSender,
} from './ports.ts';

export interface RequestCodeDeps {
  policy: OtpPolicy;
  /** ISO 3166 alpha-2 codes that may receive codes, or 'any'. */
  allowedCountries: ReadonlySet<string> | 'any';
  message: OtpMessageSettings;
  store: CodeStore;
  admission: SendAdmission;
  sender: SmsSender;
  /** Undefined when the provider was asked for no delivery reports (no PUBLIC_BASE_URL). */
  sentMessages: SentMessageLog | undefined;
  hasher: KeyedHasher;
  random: RandomSource;
  clock: Clock;
  log: OperatorLog;
}

export interface CodeRequest {
  /** As the caller typed it. */
  phone: string;
  /** Who asked, for the per-IP limit. */
  clientIp: string;
  /** The language the caller wants the SMS in (BCP 47); without it, the number's country decides. */
  locale?: string | undefined;
}

export type RequestCodeOutcome =
  | { kind: 'sent'; expiresInSeconds: number; resendAfterSeconds: number }
  | { kind: 'invalid_phone' }
  | { kind: 'country_not_allowed'; country: string }
  | { kind: 'unsupported_number'; numberType: RefusedNumberType }
  | { kind: 'rate_limited'; scope: SendScope; retryAfterSeconds: number }
  | { kind: 'resend_too_soon'; retryAfterSeconds: number }
  | { kind: 'locked'; retryAfterSeconds: number }
  | { kind: 'sms_failed'; providerStatus: number }
  | { kind: 'sms_uncertain'; retryAfterSeconds: number };

/**
 * Sends a new code to a number, in this order: eligibility (a valid number, in an allowed
 * country, of a kind that takes SMS at normal rates), admission (every send limit, one store
 * round trip), issue (the store keeps the code's keyed hash), send, and revoke when the provider
 * refused. Store first, then send: an SMS never carries a code the store does not hold, and a
 * store failure throws before anything is sent.
 */
export async function requestCode(request: CodeRequest, deps: RequestCodeDeps): Promise<RequestCodeOutcome> {
  const { policy } = deps;
  const phone = parsePhone(request.phone);
  if (!phone.ok) return { kind: 'invalid_phone' };
  deps.log.subject(phone.country, phone.e164);

  if (deps.allowedCountries !== 'any' && !deps.allowedCountries.has(phone.country)) {
    return { kind: 'country_not_allowed', country: phone.country };
  }
  const numberKind = classifyNumberKind(phone.e164);
  if (numberKind.kind === 'refused') return { kind: 'unsupported_number', numberType: numberKind.numberType };

  const [phoneTag, ipTag, prefixTag] = await Promise.all([
    deps.hasher.phoneTag(phone.e164),
    deps.hasher.limitTag('ip', request.clientIp),
    // A run of adjacent numbers (the number without its last 3 digits) is one SMS-pumping target,
    // so the range shares one limit however the attacker walks it.
    deps.hasher.limitTag('prefix', phone.e164.slice(0, -3)),
  ]);
  const admission = await deps.admission.admit({
    phone: phoneTag,
    ip: ipTag,
    prefix: prefixTag,
    country: phone.country,
    global: 'all',
  });
  if (admission.kind === 'rate_limited') return admission;

  const code = generateCode(policy.length, deps.random);
  const codeTag = await deps.hasher.codeTag(phone.e164, code);
  const issuePolicy = {
    ttlSeconds: policy.ttlSeconds,
    resendCooldownSeconds: policy.resendCooldownSeconds,
    maxFailures: policy.maxFailuresPerDay,
    country: phone.country,
    hourBucket: hourBucket(deps.clock.nowMs()),
  };
  const issued = await deps.store.issue(phoneTag, codeTag, issuePolicy);
  if (issued.kind !== 'issued') return issued;

  const locale = chooseSmsLocale(request.locale, phone.country, deps.message.locales);
  deps.log.smsLocale(locale);
  const sent = await deps.sender.send({
    to: phone.e164,
    text: composeOtpMessage(code, locale, deps.message),
    ttlSeconds: policy.ttlSeconds,
  });
  switch (sent.kind) {
    case 'accepted':
      // After the send, never before it: the request's store round trips before the SMS stay as they are.
      if (sent.messageId !== undefined) {
        deps.sentMessages?.remember({
          messageId: sent.messageId,
          country: phone.country,
          sentAtMs: deps.clock.nowMs(),
        });
      }
      return {
        kind: 'sent',
        expiresInSeconds: policy.ttlSeconds,
        resendAfterSeconds: policy.resendCooldownSeconds,
      };
    case 'rejected':
      // Refused for good: nobody received this code, so it must not stay valid.
      await deps.store.revoke(phoneTag, codeTag, issuePolicy);
      return { kind: 'sms_failed', providerStatus: sent.status };
    case 'uncertain':
      // The SMS may have gone out: keep the code, retry nothing (a second SMS would carry a second
      // code and void the first). The cooldown tells the caller when a new request can go through.
      return { kind: 'sms_uncertain', retryAfterSeconds: Math.max(1, policy.resendCooldownSeconds) };
  }
}
