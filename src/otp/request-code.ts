import { clientNetwork } from '../net/client-network.ts';
import type { RefusedNumberType } from '../phone/number-kind.ts';
import { countryOfNumber, parsePhone } from '../phone/parse-phone.ts';
import { type AllowedCountries, countryAllowed } from './allowed-countries.ts';
import type { BindingSeal } from './binding-seal.ts';
import type { Channel, RequestedChannel } from './channel.ts';
import { type FailoverLog, type ProviderRoutes, providersOnRoute } from './code-provider.ts';
import { composeDispatch } from './compose-dispatch.ts';
import { announceCode, eventContextFor } from './events/announce-code.ts';
import type { EventContexts } from './events/event-context.ts';
import { reportGuardOutcome } from './events/guard-events.ts';
import type { FallbackTickets } from './fallback-ticket.ts';
import { generateCode } from './generate-code.ts';
import { challengeInstead, type GuardPass, sendStanding } from './guard-standing.ts';
import type { KeyedHasher } from './keyed-hash.ts';
import { chooseSmsLocale } from './messages/choose-locale.ts';
import { numberBlock, numberRange } from './number-cells.ts';
import { refusedNumberType } from './number-for-channel.ts';
import type { OtpMessageSettings } from './otp-message.ts';
import { type OtpPolicy, sendTerms } from './otp-policy.ts';
import type {
  CallerBlocks,
  Clock,
  CodeDelivery,
  EventSink,
  OperatorLog,
  ProviderHealthLog,
  RandomSource,
  SendAdmission,
  SendCells,
  SendScope,
  SentMessageLog,
  StoreRegionMap,
  VerificationBinding,
} from './ports.ts';
import { isReceiptNonce, MAX_NONCE_LENGTH } from './receipt-nonce.ts';
import type { RoutingPolicy } from './routing/routing-policy.ts';
import { sendOrder } from './routing/send-order.ts';
import { sendIssuedCode } from './send-issued-code.ts';
import { findTestNumber, type TestNumbers } from './test-numbers.ts';
import { checkTransaction, type Transaction } from './transaction.ts';
import type { VerificationIds } from './verification-id.ts';

export interface RequestCodeDeps {
  /** The app the request belongs to (docs/apps.md): sealed into the verification id, counted in its stats. */
  app: string;
  policy: OtpPolicy;
  /** Countries that may receive codes; `XX` (non-geographic, satellite) only when named. */
  allowedCountries: AllowedCountries;
  /** Bits of an IPv6 address that name one client (IPV6_CLIENT_PREFIX). */
  ipv6ClientPrefix: number;
  message: OtpMessageSettings;
  /** Numbers that get no SMS and take a fixed code, until they expire. */
  testNumbers: TestNumbers;
  admission: SendAdmission;
  /** Which store region a country's numbers live in (docs/regions.md). */
  storeRegions: StoreRegionMap;
  verificationIds: VerificationIds;
  bindingSeal: BindingSeal;
  /** Phones and client networks known to be over their send limit. */
  sendBlocks: CallerBlocks;
  delivery: CodeDelivery;
  /** VOICE_TO_FIXED_LINES: a landline can hear a call; every other refused kind stays refused. */
  voiceToFixedLines: boolean;
  /** Undefined when the provider was asked for no delivery reports (no PUBLIC_BASE_URL). */
  sentMessages: SentMessageLog | undefined;
  /** Counts sends that went on to another provider on their route. */
  failovers: FailoverLog;
  /** Seals what `auto` needs to call by itself, or a failover to send again, when its SMS fails. */
  fallbackTickets: FallbackTickets;
  /** SMS_ROUTES and VOICE_ROUTES: each country's providers, in order. */
  routes: ProviderRoutes;
  /** ROUTING*, BREAKER_*: how a send's providers are ordered (./routing/). */
  routing: RoutingPolicy;
  /** The providers' breakers, for a send no provider accepted. */
  providerHealth: ProviderHealthLog;
  hasher: KeyedHasher;
  /** The app's event webhook (verification.sent, guard.*); a no-op sink when it has none. */
  events: EventSink;
  /** Seals, into a sent message's delivery record, whose message it is (`delivery.updated`). */
  eventContexts: EventContexts;
  random: RandomSource;
  clock: Clock;
  log: OperatorLog;
}

export interface CodeRequest {
  /** As the caller typed it. */
  phone: string;
  /** Who asked, for the per-network limit. */
  clientIp: string;
  /**
   * How the code goes out; each channel has its own fraud-guard budgets. `auto`: by SMS, and by a
   * call when the provider reports the SMS failed.
   */
  channel: RequestedChannel;
  /** The language the caller wants the SMS in (BCP 47); without it, the number's country decides. */
  locale?: string | undefined;
  /** Bound to the verification and handed to the receipt signer on approval. */
  nonce?: string | undefined;
  transaction?: Transaction | undefined;
  /** What the caller brings to the fraud guard's refusals (./guard-standing.ts). */
  guard: GuardPass;
}

export type RequestCodeOutcome =
  | {
      kind: 'sent';
      verificationId: string;
      /** The channel the code went out on (`sms` for `auto`). */
      channel: Channel;
      /** `voice` when the service will call by itself if the SMS fails (`auto`, when it can). */
      fallback: 'voice' | undefined;
      expiresInSeconds: number;
      resendAfterSeconds: number;
    }
  /** `field`: the body's field, as `nonce` or `transaction.payee`. */
  | { kind: 'invalid_binding'; field: string; problem: string }
  | { kind: 'invalid_phone' }
  /** The deployment lacks this channel's settings. */
  | { kind: 'channel_unavailable'; channel: Channel }
  | { kind: 'country_not_allowed'; country: string }
  | { kind: 'unsupported_number'; numberType: RefusedNumberType }
  | { kind: 'rate_limited'; scope: SendScope; retryAfterSeconds: number }
  /** The guard refused (`scope`); solving a challenge and asking again may open its challenged cell. */
  | { kind: 'challenge_required'; scope: SendScope }
  | { kind: 'resend_too_soon'; retryAfterSeconds: number }
  | { kind: 'locked'; retryAfterSeconds: number; scope: 'number' | 'client' }
  | { kind: 'sms_failed'; providerStatus: number }
  /** `verificationId`: the SMS may still arrive, and its code is kept for this verification. */
  | { kind: 'sms_uncertain'; retryAfterSeconds: number; verificationId: string };

/**
 * Starts a verification: eligibility (a configured test number, or a valid number in an allowed
 * country, of a kind that takes SMS at normal rates), admission and issue in one store round trip
 * (failure caps, cooldown, every send limit and the fraud guard, then the verification record,
 * which replaces the number's previous one), send (never to a test number), and revoke when the
 * provider refused. Store first, then send: an SMS never carries a code the store does not hold,
 * and a store failure throws before anything is sent. The answer's verification id is the only
 * handle on the verification: verify, status and cancel all take it.
 */
export async function requestCode(request: CodeRequest, deps: RequestCodeDeps): Promise<RequestCodeOutcome> {
  const { policy } = deps;
  // Checked here as well as by the HTTP schema: what is sealed, shown in the SMS and signed into
  // the receipt must pass the domain's own rules whoever calls this.
  const bound = checkBinding(request);
  if (!bound.ok) return { kind: 'invalid_binding', field: bound.field, problem: bound.problem };
  const { nonce, transaction } = bound;
  const channel: Channel = request.channel === 'auto' ? 'sms' : request.channel;
  // Before anything is stored or counted: a code no channel can carry must not exist.
  if (!deps.delivery.offers(channel)) return { kind: 'channel_unavailable', channel };
  const nowMs = deps.clock.nowMs();
  // A configured test number is taken as configured: the metadata may call it invalid, and the
  // allowlist and number kinds guard SMS spend and deliverability, which a number that is never
  // texted does not touch.
  const testNumber = findTestNumber(request.phone, deps.testNumbers, nowMs);
  let e164: string;
  let country: string;
  if (testNumber) {
    e164 = testNumber.e164;
    country = countryOfNumber(e164);
  } else {
    const phone = parsePhone(request.phone);
    if (!phone.ok) return { kind: 'invalid_phone' };
    ({ e164, country } = phone);
  }
  deps.log.subject(country, e164);
  if (!testNumber) {
    if (!countryAllowed(country, deps.allowedCountries)) return { kind: 'country_not_allowed', country };
    const numberType = refusedNumberType(e164, channel, deps.voiceToFixedLines);
    if (numberType !== undefined) {
      deps.log.detail(`number kind ${numberType}`);
      return { kind: 'unsupported_number', numberType };
    }
  }

  const network = clientNetwork(request.clientIp, deps.ipv6ClientPrefix);
  // Everything this verification touches lives in its country's region: one round trip to one store.
  const region = deps.storeRegions.regionOf(country);
  const [phoneTag, networkTag, rangeTag] = await Promise.all([
    deps.hasher.phoneTag(e164),
    deps.hasher.limitTag('ip', network),
    deps.hasher.limitTag('prefix', numberRange(e164)),
  ]);
  // A network's send limit is counted in each region apart (docs/regions.md): so is its block.
  const networkCaller = region === undefined ? networkTag : `${region}:${networkTag}`;
  for (const [scope, caller] of [
    ['phone', phoneTag],
    ['ip', networkCaller],
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

  // `auto` arms a call only where one can be placed and the SMS's failure will be reported.
  const fallback =
    request.channel === 'auto' &&
    !testNumber &&
    deps.sentMessages !== undefined &&
    deps.delivery.offers('voice') &&
    refusedNumberType(e164, 'voice', deps.voiceToFixedLines) === undefined
      ? ('voice' as const)
      : undefined;
  const route = testNumber ? [] : providersOnRoute(deps.routes, channel, country);
  // Without `auto`'s call, a failed report is followed by the route's next provider, once.
  const failover =
    fallback === undefined &&
    channel === 'sms' &&
    !testNumber &&
    deps.sentMessages !== undefined &&
    route.length > 1;
  const verificationId = await deps.verificationIds.issue({
    phoneTag,
    country,
    channel,
    app: deps.app,
    region,
  });
  const verificationTag = await deps.hasher.verificationTag(verificationId);
  const code = testNumber ? testNumber.code : generateCode(policy.length, deps.random);
  // A transaction text is longer: only the languages whose longest one fits its budget may carry it.
  const locales = transaction ? deps.message.transactionLocales : deps.message.locales;
  const locale = chooseSmsLocale(request.locale, country, locales);
  const binding: VerificationBinding = {
    e164,
    channel,
    locale,
    testNumber: testNumber !== undefined,
    nonce,
    transaction,
  };
  const [codeHash, sealedBinding, transactionTag, fallbackTicket] = await Promise.all([
    deps.hasher.codeTag(verificationTag, code),
    deps.bindingSeal.seal(verificationId, binding),
    transaction && deps.hasher.transactionTag(verificationTag, transaction),
    fallback !== undefined || failover
      ? deps.fallbackTickets.seal({ verificationId, networkTag, next: fallback ? 'voice' : 'provider' })
      : undefined,
  ]);
  const standing = await sendStanding(request.guard, deps.hasher);
  const admission = await deps.admission.admit({
    region,
    phoneTag,
    app: deps.app,
    verificationTag,
    codeHash,
    sealedBinding,
    transactionTag,
    fallbackTicket,
    testNumber: testNumber !== undefined,
    networkTag,
    cells: { channel, country, rangeTag, block: numberBlock(e164) } satisfies SendCells,
    standing,
    ...sendTerms(policy, nowMs),
    routeProviders: route,
  });
  const challenge = challengeInstead(admission, standing);
  await reportGuardOutcome(admission, challenge !== undefined, { e164, country, channel }, deps);
  if (challenge) return challenge;
  if (admission.kind === 'rate_limited' && (admission.scope === 'phone' || admission.scope === 'ip')) {
    // Remembered so this caller's next requests cost no round trip until the window ends.
    const caller = admission.scope === 'phone' ? phoneTag : networkCaller;
    deps.sendBlocks.block(`${admission.scope}:${caller}`, nowMs + admission.retryAfterSeconds * 1000);
  }
  if (admission.kind === 'locked') deps.log.detail(`failure cap reached: ${admission.scope}`);
  if (admission.kind !== 'issued') return admission;
  if (admission.shadowRefusal)
    deps.log.detail(`fraud guard (shadow) would refuse: ${admission.shadowRefusal}`);
  const sent = {
    kind: 'sent',
    verificationId,
    channel,
    fallback,
    expiresInSeconds: policy.ttlSeconds,
    resendAfterSeconds: policy.resendCooldownSeconds,
  } as const;
  const announced = { verificationId, e164, country, channel, nowMs, ttlSeconds: policy.ttlSeconds };
  if (testNumber) {
    deps.log.detail('test number: no SMS');
    await announceCode(announced, deps);
    return sent;
  }

  deps.log.smsLocale(locale);
  const result = await sendIssuedCode(
    composeDispatch(channel, { e164, code, locale, verificationId, nowMs, transaction }, deps),
    admission.issued,
    {
      verificationTag,
      country,
      region,
      eventContext: await eventContextFor(verificationId, e164, channel, deps),
    },
    deps,
    sendOrder(route, admission.route, deps),
  );
  if (result.kind === 'accepted') {
    await announceCode(announced, deps);
    return sent;
  }
  if (result.kind === 'sms_failed') return result;
  // The cooldown tells the caller when a new request can go through.
  return { ...result, retryAfterSeconds: Math.max(1, policy.resendCooldownSeconds), verificationId };
}

type CheckedBinding =
  | { ok: true; nonce: string | undefined; transaction: Transaction | undefined }
  | { ok: false; field: string; problem: string };

function checkBinding(request: CodeRequest): CheckedBinding {
  if (request.nonce !== undefined && !isReceiptNonce(request.nonce)) {
    return {
      ok: false,
      field: 'nonce',
      problem: `must be 1 to ${MAX_NONCE_LENGTH} visible ASCII characters, no spaces`,
    };
  }
  if (request.transaction === undefined) return { ok: true, nonce: request.nonce, transaction: undefined };
  // Dynamic linking needs the user to see what they confirm; only the SMS text names the payment
  // (a WhatsApp authentication template and the spoken digits do not).
  if (request.channel !== 'sms') {
    return { ok: false, field: 'channel', problem: 'must be sms when a transaction is bound' };
  }
  const checked = checkTransaction(request.transaction);
  if (!checked.ok) return { ok: false, field: `transaction.${checked.field}`, problem: checked.problem };
  return { ok: true, nonce: request.nonce, transaction: checked.transaction };
}
