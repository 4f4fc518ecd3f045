import { clientNetwork } from '../net/client-network.ts';
import type { RefusedNumberType } from '../phone/number-kind.ts';
import { hourBucket } from '../stats/hour-bucket.ts';
import type { Channel } from './channel.ts';
import { composeDispatch } from './compose-dispatch.ts';
import { generateCode } from './generate-code.ts';
import type { ManageVerificationDeps } from './manage-verification.ts';
import { chooseSmsLocale } from './messages/choose-locale.ts';
import { numberBlock, numberRange } from './number-cells.ts';
import { refusedNumberType } from './number-for-channel.ts';
import type { SendScope } from './ports.ts';
import type { RequestCodeDeps } from './request-code.ts';
import { findTestNumber } from './test-numbers.ts';
import { openVerificationRef } from './verification-ref.ts';

export type SwitchChannelDeps = RequestCodeDeps & ManageVerificationDeps;

export interface ChannelSwitch {
  verificationId: string;
  channel: Channel;
  clientIp: string;
  /**
   * The service's own switch (`auto` after a failed SMS): no fallback delay, and no verify-limit
   * count for the client network, which is the provider's callback, not a user.
   */
  automatic?: boolean;
}

export type SwitchChannelOutcome =
  | { kind: 'switched'; channel: Channel; expiresInSeconds: number; resendAfterSeconds: number }
  | { kind: 'not_found' }
  | { kind: 'invalid_binding'; field: string; problem: string }
  | { kind: 'channel_unavailable'; channel: Channel }
  | { kind: 'unsupported_number'; numberType: RefusedNumberType }
  | { kind: 'fallback_too_soon'; retryAfterSeconds: number }
  | { kind: 'rate_limited'; scope: SendScope; retryAfterSeconds: number }
  | { kind: 'locked'; retryAfterSeconds: number; scope: 'number' | 'client' }
  | { kind: 'sms_failed'; providerStatus: number }
  | { kind: 'sms_uncertain'; retryAfterSeconds: number; verificationId: string };

/**
 * "Call me instead": a fresh code over another channel on the same verification, for a user whose
 * code did not arrive. Allowed once OTP_FALLBACK_DELAY_SECONDS have passed since its last code,
 * shorter than the resend cooldown because the user keeps their verification, its attempts used and
 * the number's failure counts (a switch cannot reset what guessing spent). It is a send: it passes
 * the plain limits and the new channel's guard cells in the same script as a first request
 * (admit-send, switch mode), then goes out like one. The old code stops working in that script.
 */
export async function switchChannel(
  request: ChannelSwitch,
  deps: SwitchChannelDeps,
): Promise<SwitchChannelOutcome> {
  const { policy } = deps;
  if (!deps.delivery.offers(request.channel))
    return { kind: 'channel_unavailable', channel: request.channel };
  const ref = await openVerificationRef(request.verificationId, deps.verificationIds, deps.hasher);
  if (!ref) return { kind: 'not_found' };
  deps.log.subject(ref.country);
  const nowMs = deps.clock.nowMs();
  const network = clientNetwork(request.clientIp, deps.ipv6ClientPrefix);
  const networkTag = await deps.hasher.limitTag('ip', network);
  // The binding names the number and the current channel; reading it counts like a status read,
  // so a switch is no cheaper id oracle than GET.
  const read = await deps.verifications.read(ref, {
    networkTag,
    maxVerifiesPerIp: deps.verifyPerIp.limit,
    ipWindowSeconds: deps.verifyPerIp.windowSeconds,
    nowMs,
  });
  if (read.kind !== 'found') return read;
  if (read.state.status !== 'pending' || nowMs >= read.state.expiresAtMs) return { kind: 'not_found' };
  const binding = await deps.bindingSeal.open(request.verificationId, read.state.sealedBinding);
  if (!binding) throw new Error('verification binding does not open');
  const { e164 } = binding;
  deps.log.subject(ref.country, e164);
  if (binding.channel === request.channel) {
    // The same channel again is a resend, which the cooldown governs (POST /otp/request).
    return {
      kind: 'invalid_binding',
      field: 'channel',
      problem: `the code already went out by ${request.channel}`,
    };
  }
  if (binding.transaction && request.channel !== 'sms') {
    return { kind: 'invalid_binding', field: 'channel', problem: 'must be sms when a transaction is bound' };
  }
  if (!binding.testNumber) {
    const numberType = refusedNumberType(e164, request.channel, deps.voiceToFixedLines);
    if (numberType !== undefined) return { kind: 'unsupported_number', numberType };
  }

  const testNumber = binding.testNumber ? findTestNumber(e164, deps.testNumbers, nowMs) : undefined;
  const code = testNumber ? testNumber.code : generateCode(policy.length, deps.random);
  const switched = { ...binding, channel: request.channel };
  const [codeHash, sealedBinding, rangeTag, transactionTag] = await Promise.all([
    deps.hasher.codeTag(ref.verificationTag, code),
    deps.bindingSeal.seal(request.verificationId, switched),
    deps.hasher.limitTag('prefix', numberRange(e164)),
    binding.transaction && deps.hasher.transactionTag(ref.verificationTag, binding.transaction),
  ]);
  const admission = await deps.admission.reissue(
    {
      phoneTag: ref.phoneTag,
      verificationTag: ref.verificationTag,
      codeHash,
      sealedBinding,
      transactionTag,
      testNumber: binding.testNumber,
      networkTag,
      cells: { channel: request.channel, country: ref.country, rangeTag, block: numberBlock(e164) },
      ttlSeconds: policy.ttlSeconds,
      resendCooldownSeconds: policy.resendCooldownSeconds,
      maxFailures: policy.maxFailuresPerDay,
      maxFailuresPerClient: policy.maxFailuresPerClient,
      nowMs,
      hourBucket: hourBucket(nowMs),
    },
    request.automatic ? 0 : policy.fallbackDelaySeconds,
  );
  if (admission.kind !== 'issued') return admission;
  deps.log.detail(`channel switch to ${request.channel}${request.automatic ? ' (auto)' : ''}`);
  const done = {
    kind: 'switched',
    channel: request.channel,
    expiresInSeconds: policy.ttlSeconds,
    resendAfterSeconds: policy.resendCooldownSeconds,
  } as const;
  if (binding.testNumber) return done;

  const locales = binding.transaction ? deps.message.transactionLocales : deps.message.locales;
  // The request's language is not kept with the verification: the number's country decides.
  const locale = chooseSmsLocale(undefined, ref.country, locales);
  const result = await deps.delivery.deliver(
    composeDispatch(
      request.channel,
      { e164, code, locale, verificationId: request.verificationId, nowMs, transaction: binding.transaction },
      deps,
    ),
  );
  switch (result.kind) {
    case 'accepted':
      if (result.messageId !== undefined) {
        deps.sentMessages?.remember({
          messageId: result.messageId,
          verificationTag: ref.verificationTag,
          country: ref.country,
          sentAtMs: deps.clock.nowMs(),
        });
      }
      return done;
    case 'rejected':
      await admission.issued.revoke();
      return { kind: 'sms_failed', providerStatus: result.status };
    case 'uncertain':
      return {
        kind: 'sms_uncertain',
        retryAfterSeconds: Math.max(1, policy.fallbackDelaySeconds),
        verificationId: request.verificationId,
      };
  }
}
