import { clientNetwork } from '../net/client-network.ts';
import { classifyNumberKind, type RefusedNumberType } from '../phone/number-kind.ts';
import { parsePhone } from '../phone/parse-phone.ts';
import { hourBucket } from '../stats/hour-bucket.ts';
import { type AllowedCountries, countryAllowed } from './allowed-countries.ts';
import { generateCode } from './generate-code.ts';
import type { KeyedHasher } from './keyed-hash.ts';
import { chooseSmsLocale } from './messages/choose-locale.ts';
import { numberBlock, numberRange } from './number-cells.ts';
import { composeOtpMessage, type OtpMessageSettings } from './otp-message.ts';
import type { OtpPolicy } from './otp-policy.ts';
import type {
  CallerBlocks,
  Clock,
  OperatorLog,
  RandomSource,
  SendAdmission,
  SendCells,
  SendScope,
  SentMessageLog,
  SmsSender,
} from './ports.ts';

export interface RequestCodeDeps {
  policy: OtpPolicy;
  /** Countries that may receive codes; `XX` (non-geographic, satellite) only when named. */
  allowedCountries: AllowedCountries;
  /** Bits of an IPv6 address that name one client (IPV6_CLIENT_PREFIX). */
  ipv6ClientPrefix: number;
  message: OtpMessageSettings;
  admission: SendAdmission;
  /** Phones and client networks known to be over their send limit. */
  sendBlocks: CallerBlocks;
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
  /** Who asked, for the per-network limit. */
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
 * country, of a kind that takes SMS at normal rates), admission and issue in one store round trip
 * (failure cap, cooldown, every send limit and the fraud guard, then the code's keyed hash), send,
 * and revoke when the provider refused. Store first, then send: an SMS never carries a code the
 * store does not hold, and a store failure throws before anything is sent.
 */
export async function requestCode(request: CodeRequest, deps: RequestCodeDeps): Promise<RequestCodeOutcome> {
  const { policy } = deps;
  const phone = parsePhone(request.phone);
  if (!phone.ok) return { kind: 'invalid_phone' };
  deps.log.subject(phone.country, phone.e164);

  if (!countryAllowed(phone.country, deps.allowedCountries)) {
    return { kind: 'country_not_allowed', country: phone.country };
  }
  const numberKind = classifyNumberKind(phone.e164);
  if (numberKind.kind === 'refused') return { kind: 'unsupported_number', numberType: numberKind.numberType };

  const nowMs = deps.clock.nowMs();
  const network = clientNetwork(request.clientIp, deps.ipv6ClientPrefix);
  const [phoneTag, networkTag, rangeTag] = await Promise.all([
    deps.hasher.phoneTag(phone.e164),
    deps.hasher.limitTag('ip', network),
    deps.hasher.limitTag('prefix', numberRange(phone.e164)),
  ]);
  for (const [scope, caller] of [
    ['phone', phoneTag],
    ['ip', networkTag],
  ] as const) {
    const blockedUntil = deps.sendBlocks.blockedUntil(`${scope}:${caller}`, nowMs);
    if (blockedUntil !== undefined) {
      return {
        kind: 'rate_limited',
        scope,
        retryAfterSeconds: Math.max(1, Math.ceil((blockedUntil - nowMs) / 1000)),
      };
    }
  }

  const code = generateCode(policy.length, deps.random);
  const admission = await deps.admission.admit({
    phoneTag,
    codeHash: await deps.hasher.codeTag(phone.e164, code),
    networkTag,
    cells: { country: phone.country, rangeTag, block: numberBlock(phone.e164) } satisfies SendCells,
    ttlSeconds: policy.ttlSeconds,
    resendCooldownSeconds: policy.resendCooldownSeconds,
    maxFailures: policy.maxFailuresPerDay,
    nowMs,
    hourBucket: hourBucket(nowMs),
  });
  if (admission.kind === 'rate_limited' && (admission.scope === 'phone' || admission.scope === 'ip')) {
    // Remembered so this caller's next requests cost no round trip until the window ends.
    const caller = admission.scope === 'phone' ? phoneTag : networkTag;
    deps.sendBlocks.block(`${admission.scope}:${caller}`, nowMs + admission.retryAfterSeconds * 1000);
  }
  if (admission.kind !== 'issued') return admission;
  if (admission.shadowRefusal)
    deps.log.detail(`fraud guard (shadow) would refuse: ${admission.shadowRefusal}`);

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
      // Refused for good: nobody received this code, so it must not stay valid, and the send it
      // counted everywhere did not happen.
      await admission.issued.revoke();
      return { kind: 'sms_failed', providerStatus: sent.status };
    case 'uncertain':
      // The SMS may have gone out: keep the code, retry nothing (a second SMS would carry a second
      // code and void the first). The cooldown tells the caller when a new request can go through.
      return { kind: 'sms_uncertain', retryAfterSeconds: Math.max(1, policy.resendCooldownSeconds) };
  }
}
