import { classifyNumberKind, type RefusedNumberType } from '../phone/number-kind.ts';
import { parsePhone } from '../phone/parse-phone.ts';
import { hourBucket } from '../stats/hour-bucket.ts';
import { generateCode } from './generate-code.ts';
import type { KeyedHasher } from './keyed-hash.ts';
import { composeOtpMessage, type OtpMessageSettings } from './otp-message.ts';
import type {
  Clock,
  CodeStore,
  OperatorLog,
  RandomSource,
  SendAdmission,
  SendScope,
  SmsSender,
} from './ports.ts';

export interface RequestCodeSettings {
  codeLength: number;
  ttlSeconds: number;
  resendCooldownSeconds: number;
  maxFailures: number;
  /** ISO 3166 alpha-2 codes that may receive codes, or 'any'. */
  allowedCountries: ReadonlySet<string> | 'any';
  message: OtpMessageSettings;
}

export interface RequestCodeDeps {
  settings: RequestCodeSettings;
  store: CodeStore;
  admission: SendAdmission;
  sender: SmsSender;
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
}

export type RequestCodeOutcome =
  | { kind: 'sent'; expiresInSeconds: number; resendAfterSeconds: number }
  | { kind: 'invalid_phone' }
  | { kind: 'country_not_allowed'; country: string }
  | { kind: 'unsupported_number'; numberType: RefusedNumberType }
  | { kind: 'rate_limited'; scope: SendScope; retryAfterSeconds: number }
  | { kind: 'resend_too_soon'; retryAfterSeconds: number }
  | { kind: 'locked'; retryAfterSeconds: number }
  | { kind: 'sms_rejected'; providerStatus: number }
  | { kind: 'sms_uncertain'; retryAfterSeconds: number };

/**
 * Sends a new code to a number, in this order: eligibility (a valid number, in an allowed
 * country, of a kind that takes SMS at normal rates), admission (every send limit, one store
 * round trip), issue (the store keeps the code's keyed hash), send, and revoke when the provider
 * refused. Store first, then send: an SMS never carries a code the store does not hold, and a
 * store failure throws before anything is sent.
 */
export async function requestCode(request: CodeRequest, deps: RequestCodeDeps): Promise<RequestCodeOutcome> {
  const { settings } = deps;
  const phone = parsePhone(request.phone);
  if (!phone.ok) return { kind: 'invalid_phone' };
  deps.log.number(phone.e164, phone.country);

  if (settings.allowedCountries !== 'any' && !settings.allowedCountries.has(phone.country)) {
    return { kind: 'country_not_allowed', country: phone.country };
  }
  const numberKind = classifyNumberKind(phone.e164);
  if (numberKind.kind === 'refused') return { kind: 'unsupported_number', numberType: numberKind.numberType };

  const [phoneTag, ipTag, prefixTag] = await Promise.all([
    deps.hasher.phoneTag(phone.e164),
    deps.hasher.limitTag('ip', request.clientIp),
    deps.hasher.limitTag('prefix', numberRange(phone.e164)),
  ]);
  const admission = await deps.admission.admit({
    phone: phoneTag,
    ip: ipTag,
    prefix: prefixTag,
    country: phone.country,
    global: 'all',
  });
  if (admission.kind === 'limited') {
    return { kind: 'rate_limited', scope: admission.scope, retryAfterSeconds: admission.retryAfterSeconds };
  }

  const code = generateCode(settings.codeLength, deps.random);
  const codeTag = await deps.hasher.codeTag(phone.e164, code);
  const policy = {
    ttlSeconds: settings.ttlSeconds,
    resendCooldownSeconds: settings.resendCooldownSeconds,
    maxFailures: settings.maxFailures,
    country: phone.country,
    hourBucket: hourBucket(deps.clock.nowMs()),
  };
  const issued = await deps.store.issue(phoneTag, codeTag, policy);
  if (issued.kind === 'cooldown')
    return { kind: 'resend_too_soon', retryAfterSeconds: issued.retryAfterSeconds };
  if (issued.kind === 'locked') return { kind: 'locked', retryAfterSeconds: issued.retryAfterSeconds };

  const sent = await deps.sender.send({
    to: phone.e164,
    text: composeOtpMessage(code, settings.message),
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
      await deps.store.revoke(phoneTag, codeTag, policy);
      return { kind: 'sms_rejected', providerStatus: sent.status };
    case 'uncertain':
      // The SMS may have gone out: keep the code, retry nothing (a second SMS would carry a second
      // code and void the first). The cooldown tells the caller when a new request can go through.
      return { kind: 'sms_uncertain', retryAfterSeconds: Math.max(1, settings.resendCooldownSeconds) };
  }
}

/**
 * The number without its last 3 digits: a run of adjacent numbers is one SMS-pumping target, so
 * the range shares one limit however the attacker walks it.
 */
function numberRange(e164: string): string {
  return e164.slice(0, -3);
}
