import type { RefusedNumberType } from '../phone/number-kind.ts';
import { countryAllowed } from './allowed-countries.ts';
import type { Channel } from './channel.ts';
import { providersOnRoute } from './code-provider.ts';
import { composeDispatch } from './compose-dispatch.ts';
import { announceCode, eventContextFor } from './events/announce-code.ts';
import { reportGuardOutcome } from './events/guard-events.ts';
import { generateCode } from './generate-code.ts';
import { challengeInstead, type GuardPass, sendStanding } from './guard-standing.ts';
import { chooseSmsLocale } from './messages/choose-locale.ts';
import { numberBlock, numberRange } from './number-cells.ts';
import { refusedNumberType } from './number-for-channel.ts';
import { sendTerms } from './otp-policy.ts';
import type { ReissueMode, SendScope, VerificationBinding, VerificationRef } from './ports.ts';
import type { RequestCodeDeps } from './request-code.ts';
import { sendOrder } from './routing/send-order.ts';
import { sendIssuedCode } from './send-issued-code.ts';
import { findTestNumber } from './test-numbers.ts';

/** One verification, opened: what a channel switch needs to send its new code. */
export interface OpenedVerification {
  verificationId: string;
  ref: VerificationRef;
  binding: VerificationBinding;
  /** HMAC tag of the network whose sends this one counts against: the one that requested it. */
  networkTag: string;
}

export type ReissueCodeOutcome =
  | { kind: 'switched'; channel: Channel; expiresInSeconds: number; resendAfterSeconds: number }
  | { kind: 'not_found' }
  | { kind: 'max_attempts_reached' }
  | { kind: 'country_not_allowed'; country: string }
  | { kind: 'challenge_required'; scope: SendScope }
  | { kind: 'invalid_binding'; field: string; problem: string }
  | { kind: 'unsupported_number'; numberType: RefusedNumberType }
  | { kind: 'fallback_too_soon'; retryAfterSeconds: number }
  | { kind: 'rate_limited'; scope: SendScope; retryAfterSeconds: number }
  | { kind: 'locked'; retryAfterSeconds: number; scope: 'number' | 'client' }
  | { kind: 'sms_failed'; providerStatus: number }
  | { kind: 'sms_uncertain'; retryAfterSeconds: number; verificationId: string };

/**
 * A fresh code over `channel` on an existing verification: the user's "call me instead"
 * (./switch-channel.ts), the service's own call after an `auto` SMS failed, and the failover to
 * the route's other providers after a failed report (same channel, the failed provider left out;
 * both ./fall-back-to-voice.ts, docs/routing.md). It is a send: it passes the plain limits and the new channel's guard
 * cells in the same script as a first request (admit-send, switch mode), then goes out like one.
 * The old code stops working in that script; attempts used and failure counts carry over.
 */
export async function reissueCode(
  verification: OpenedVerification,
  channel: Channel,
  mode: ReissueMode,
  guard: GuardPass,
  deps: RequestCodeDeps,
  /** A failover's provider whose report said failed: the new code goes through the others. */
  failedProvider?: string,
): Promise<ReissueCodeOutcome> {
  const { policy } = deps;
  const { verificationId, ref, binding, networkTag } = verification;
  const { e164 } = binding;
  const failover = mode.by === 'service' && mode.failover === true;
  if (binding.channel === channel && !failover) {
    // The same channel again is a resend, which the cooldown governs (POST /otp/request).
    return { kind: 'invalid_binding', field: 'channel', problem: `the code already went out by ${channel}` };
  }
  if (binding.transaction && channel !== 'sms') {
    return { kind: 'invalid_binding', field: 'channel', problem: 'must be sms when a transaction is bound' };
  }
  if (!binding.testNumber) {
    // The allowlist as it is now: a country removed mid-attack gets no more switches or calls.
    if (!countryAllowed(ref.country, deps.allowedCountries))
      return { kind: 'country_not_allowed', country: ref.country };
    const numberType = refusedNumberType(e164, channel, deps.voiceToFixedLines);
    if (numberType !== undefined) return { kind: 'unsupported_number', numberType };
  }

  const nowMs = deps.clock.nowMs();
  const testNumber = binding.testNumber ? findTestNumber(e164, deps.testNumbers, nowMs) : undefined;
  const code = testNumber ? testNumber.code : generateCode(policy.length, deps.random);
  const [codeHash, sealedBinding, rangeTag, transactionTag] = await Promise.all([
    deps.hasher.codeTag(ref.verificationTag, code),
    deps.bindingSeal.seal(verificationId, { ...binding, channel }),
    deps.hasher.limitTag('prefix', numberRange(e164)),
    binding.transaction && deps.hasher.transactionTag(ref.verificationTag, binding.transaction),
  ]);
  const standing = await sendStanding(guard, deps.hasher);
  const configured = providersOnRoute(deps.routes, channel, ref.country).filter(
    (provider) => provider !== failedProvider,
  );
  // A route with no other provider has nothing to fail over to (a ticket from an older route).
  if (failover && configured.length === 0) return { kind: 'not_found' };
  const admission = await deps.admission.reissue(
    {
      region: ref.region,
      phoneTag: ref.phoneTag,
      app: ref.app,
      verificationTag: ref.verificationTag,
      codeHash,
      sealedBinding,
      transactionTag,
      testNumber: binding.testNumber,
      networkTag,
      cells: { channel, country: ref.country, rangeTag, block: numberBlock(e164) },
      standing,
      ...sendTerms(policy, nowMs),
      routeProviders: binding.testNumber ? [] : configured,
    },
    mode,
  );
  const challenge = challengeInstead(admission, standing);
  const about = { e164, country: ref.country, channel, verificationId };
  await reportGuardOutcome(admission, challenge !== undefined, about, deps);
  if (challenge) return challenge;
  if (admission.kind !== 'issued') return admission;
  deps.log.detail(
    failover
      ? `failover after ${failedProvider ?? 'a'} failed report`
      : `channel switch to ${channel}${mode.by === 'service' ? ' (auto)' : ''}`,
  );
  const done = {
    kind: 'switched',
    channel,
    expiresInSeconds: policy.ttlSeconds,
    resendAfterSeconds: policy.resendCooldownSeconds,
  } as const;
  const switched = {
    ...about,
    switched: { previousChannel: binding.channel, by: mode.by },
    nowMs,
    ttlSeconds: policy.ttlSeconds,
  };
  if (binding.testNumber) {
    await announceCode(switched, deps);
    return done;
  }

  const locales = binding.transaction ? deps.message.transactionLocales : deps.message.locales;
  // The language the first code went out in, if this deployment still sends it; else the country's.
  const locale = chooseSmsLocale(binding.locale, ref.country, locales);
  const result = await sendIssuedCode(
    composeDispatch(
      channel,
      { e164, code, locale, verificationId, nowMs, transaction: binding.transaction },
      deps,
    ),
    admission.issued,
    {
      verificationTag: ref.verificationTag,
      country: ref.country,
      region: ref.region,
      eventContext: await eventContextFor(verificationId, e164, channel, deps),
    },
    deps,
    sendOrder(configured, admission.route, deps),
  );
  if (result.kind === 'accepted') {
    await announceCode(switched, deps);
    return done;
  }
  if (result.kind === 'sms_failed') return result;
  // The user may switch again once the fallback delay has passed.
  return { ...result, retryAfterSeconds: Math.max(1, policy.fallbackDelaySeconds), verificationId };
}
