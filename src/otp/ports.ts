import type { HourlyCounters } from '../stats/counters.ts';
import type { HourCounters } from '../stats/hour-series.ts';
import type { Channel } from './channel.ts';
import type { ExpiryWatch } from './events/event-message.ts';
import type { ServiceEvent } from './events/service-event.ts';
import type { ProviderId } from './provider-id.ts';
import type { RouteEvidence } from './routing/route-evidence.ts';
import type { Transaction } from './transaction.ts';

/**
 * The narrow interfaces the use cases in this folder depend on. Adapters (src/adapters/*)
 * implement them and src/wiring.ts plugs them in; tests replace only the clock and the random
 * source. Expected outcomes are values tagged by `kind`; a dependency that cannot answer throws
 * DependencyUnavailableError (./dependency-error.ts).
 */

/** Wall-clock time. Injected so tests can move time without sleeping. */
export interface Clock {
  nowMs(): number;
}

/** Cryptographically secure random bytes. Injected so tests can force edge cases (leading zeros). */
export interface RandomSource {
  fill(bytes: Uint8Array): void;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

export const cryptoRandom: RandomSource = {
  fill: (bytes) => {
    crypto.getRandomValues(bytes);
  },
};

/**
 * What a verification was requested for: the number and the request's binding. Sealed into the
 * verification record at request time (src/otp/binding-seal.ts: Redis holds no number in clear),
 * opened after the approval and handed whole to the receipt signer (`ReceiptSigner.sign` in
 * src/receipt/receipt-signer.ts), which turns it into claims. New binding fields go here, in the
 * request's `CodeRequest`, and in the signer: nothing in between needs to change.
 */
export interface VerificationBinding {
  e164: string;
  /** The channel the code went out on: the receipt's `amr`. */
  channel: Channel;
  /**
   * The language the code was sent in (a template's BCP 47 tag): a channel switch speaks or writes
   * the new code in it too. Optional: verifications sealed before it existed lack it.
   */
  locale?: string | undefined;
  /** A configured test number (TEST_NUMBERS): its receipt says `test_number: true`. */
  testNumber: boolean;
  /** The caller's nonce (its login attempt's id), as `isReceiptNonce` (./receipt-nonce.ts) admits it. */
  nonce?: string | undefined;
  /** The payment the code confirms, as `checkTransaction` (./transaction.ts) returned it. */
  transaction?: Transaction | undefined;
}

/** Facts for the request's one log line, read by operators only. The log masks the number. */
export interface OperatorLog {
  /** What the request is about: a country, and the number once one parsed. */
  subject(country: string, e164?: string): void;
  /** One short explanation of a failure; never a code, a number or a secret. */
  detail(text: string): void;
  /** The language the SMS was written in (a BCP 47 tag). */
  smsLocale(locale: string): void;
}

/**
 * One code to one number over one channel. An SMS carries its composed text; WhatsApp carries the
 * code as the parameters of an approved template in the locale's language; a call carries the
 * code to the answer URL only sealed, and speaks it when the callee answers.
 */
export type CodeDispatch =
  /** `ttlSeconds`: the code's lifetime; a message still queued after it is useless and dropped. */
  | { channel: 'sms'; to: string; text: string; ttlSeconds: number }
  | { channel: 'whatsapp'; to: string; code: string; locale: string; ttlSeconds: number }
  | {
      channel: 'voice';
      to: string;
      code: string;
      /** The verification the code belongs to: the answer URL is good for it only. */
      verificationId: string;
      /** When the code expires: the answer URL stops speaking then. */
      expiresAtMs: number;
      locale: string;
    };

/**
 * What became of a send. `rejected`: the provider refused it for good (4xx), nothing went out.
 * `uncertain`: it may or may not have gone out (timeout, 5xx) or was throttled (429); never retry
 * it automatically, the user would get two codes.
 */
export type DeliveryResult =
  /** `messageId`: the provider's id for the message (Plivo's MessageUUID), when its answer had one. */
  | { kind: 'accepted'; messageId: string | undefined }
  /**
   * `retryElsewhere`: the provider refused the destination or the account (geo permissions, a
   * sender it will not use there, credentials), not the message: another provider may take it.
   * False for what no provider would take (an invalid number, a recipient who unsubscribed).
   */
  | { kind: 'rejected'; status: number; retryElsewhere: boolean }
  | { kind: 'uncertain'; reason: 'timeout' | 'network' | 'server_error' | 'throttled'; status?: number };

/** One provider's answer to one send, in the order the route tried them. */
export interface ProviderAttempt {
  provider: ProviderId;
  result: DeliveryResult;
}

/**
 * What became of a send along its route: `result` is the last provider's answer (`provider`),
 * `attempts` every answer, the last included. Undefined `provider`: no provider on the route
 * offers the channel (config validation keeps this from happening), nothing was sent.
 */
export interface RoutedDelivery {
  result: DeliveryResult;
  provider: ProviderId | undefined;
  attempts: readonly ProviderAttempt[];
}

/** Sends codes over the channels this deployment has settings for, along each country's route. */
export interface CodeDelivery {
  /** False when no provider has the channel's settings (sender, template, public URL). */
  offers(channel: Channel): boolean;
  /**
   * `country`: the recipient's, which picks the route (SMS_ROUTES, VOICE_ROUTES). `order`: the
   * providers to try instead, first to last (ROUTING=adaptive's order, open breakers last, or a
   * failover's route without the provider that failed; src/otp/routing/).
   */
  deliver(dispatch: CodeDispatch, country: string, order?: readonly ProviderId[]): Promise<RoutedDelivery>;
}

/** One provider's answer to one send, as its breaker counts it: `ok` false for a timeout, a network error or a 5xx. */
export interface ProviderAnswer {
  provider: string;
  ok: boolean;
}

/**
 * The providers' breakers (docs/routing.md), counted after the response: the answers of a send
 * that no provider accepted (an accepted send's answers ride with its tracking, SentMessageLog).
 */
export interface ProviderHealthLog {
  /**
   * `failover`: the send went on to another provider; counted in the same step as the breakers
   * (instead of FailoverLog), so the work after the response stays one round trip.
   */
  note(
    answers: readonly ProviderAnswer[],
    nowMs: number,
    failover?: { country: string; attempts: readonly ProviderAttempt[]; hourBucket: string },
    /** The send's store region (docs/regions.md): its admissions read these breakers there. */
    region?: string | undefined,
  ): void;
}

/**
 * The messages this service sent and still tracks, so that a delivery report counts only for one
 * of them: a genuine but replayed callback, or one about a message sent by anyone else on the
 * account, finds no record and changes nothing.
 */
export interface SentMessageLog {
  /**
   * Records a message the provider accepted: its id and the recipient's country, never the number.
   * Runs after the response (the caller never waits for it, and a failure only costs this
   * message's delivery counts; the request's log line says so).
   */
  remember(message: SentMessage): void;
}

export interface SentMessage {
  messageId: string;
  /** Who sent it: only that provider's signed reports count for it. */
  provider: ProviderId;
  /** The channel it went out on: its route's conversion cells are the channel's. */
  channel: Channel;
  /** Every provider answer of the send, the accepting one last: counted in their breakers. */
  answers: readonly ProviderAnswer[];
  /** The verification the message carries the code of: its status shows the delivery status. */
  verificationTag: string;
  /** The country its `sent` was counted in; its delivered / failed count lands there too. */
  country: string;
  sentAtMs: number;
  /** The verification's store region (undefined: the default): its tracking record goes there too. */
  region?: string | undefined;
  /**
   * When events are on: the sealed EventContext (./events/event-context.ts) that lets the
   * message's delivery report become a `delivery.updated` event naming its verification.
   */
  eventContext?: string | undefined;
}

/**
 * Which verification, and what its one script may touch: the record (by the id's HMAC tag), the
 * number's counters (phone tag) and its country's guard cells. Opened from the verification id
 * (src/otp/verification-id.ts) before the store is asked anything.
 */
export interface VerificationRef {
  verificationTag: string;
  phoneTag: string;
  country: string;
  /** Its guard cells are the channel's (`guard:{channel}:...`). */
  channel: Channel;
  /** The app it belongs to: its number's active pointer and its stats are the app's. Unset: the default app. */
  app?: string | undefined;
  /** The store region holding it, from the id; undefined: the default region (docs/regions.md). */
  region?: string | undefined;
}

/**
 * Which store region holds a country's numbers (STORE_REGION_COUNTRIES, docs/regions.md):
 * undefined for the default region. Asked once per new verification, whose id then carries it.
 */
export interface StoreRegionMap {
  regionOf(country: string): string | undefined;
}

/**
 * Where verifications live once issued (SendAdmission creates them, with the send). Each method
 * is one atomic step (one store round trip), because every check-then-act split is a race an
 * attacker can win with parallel requests. A verification that is not the number's active one
 * (replaced), not pending, or past its expiry is `not_found` to `check`, and nothing is written.
 */
export interface VerificationStore {
  /**
   * Checks, counts and consumes in one step; an approval counts `verified` in the send's cells.
   * `transactionTag`: the verify's transaction (KeyedHasher.transactionTag), undefined when it sent
   * none; one that is not the stored one is refused before the code is compared.
   */
  check(
    ref: VerificationRef,
    candidate: { codeHash: string; transactionTag: string | undefined },
    policy: CheckPolicy,
  ): Promise<CheckOutcome>;
  /** The verification's state; counts one request against the client network's verify limit. */
  read(ref: VerificationRef, access: AccessPolicy): Promise<ReadOutcome>;
  /** Cancels a verification that is not approved (its code is deleted); counts like `read`. */
  cancel(ref: VerificationRef, access: AccessPolicy): Promise<CancelOutcome>;
}

/** The client network's verify limit, shared by verify, status reads and cancels (fixed window). */
export interface AccessPolicy {
  /** HMAC tag of the client's network (src/net/client-network.ts). */
  networkTag: string;
  maxVerifiesPerIp: number;
  ipWindowSeconds: number;
  nowMs: number;
}

/** `hourBucket` says which hourly counter an approved code counts in as `verified`. */
export interface CheckPolicy extends AccessPolicy {
  hourBucket: string;
  maxAttempts: number;
  /** Wrong guesses on the number from everyone, per failure window: then the number is locked. */
  maxFailures: number;
  /** Wrong guesses on the number from this client network, per failure window: then it is refused. */
  maxFailuresPerClient: number;
  failureWindowSeconds: number;
  /** The guard's window: an approval credits the cells (and window) its send counted in. */
  guardWindowSeconds: number;
}

/**
 * `max_attempts_reached`: the code is burned (its attempts used up, or a transaction mismatch
 * voided it); only a new code helps, after `retryAfterSeconds` when the number's resend cooldown
 * still runs. `too_many_attempts`: the number is locked (failure cap), or this client network is
 * over its own cap on the number (`scope` says which, for the log); a new code does not help before
 * `retryAfterSeconds`. `rate_limited`: the client network's verify limit.
 * `transaction_mismatch`: the verify named another transaction than the one the code was sent
 * for; the code is burned unevaluated (a changed amount or payee voids the code, PSD2 RTS art. 5).
 */
export type CheckOutcome =
  /** `sealedBinding`: what the verification was for (binding-seal.ts), opened by the use case. */
  | { kind: 'approved'; sealedBinding: string }
  | { kind: 'invalid_code'; attemptsRemaining: number }
  | { kind: 'not_found' }
  | { kind: 'transaction_mismatch' }
  | { kind: 'max_attempts_reached'; retryAfterSeconds: number | undefined }
  | { kind: 'too_many_attempts'; retryAfterSeconds: number; scope: 'number' | 'client' }
  | { kind: 'rate_limited'; scope: 'ip'; retryAfterSeconds: number };

/**
 * `max_attempts_reached`: pending, but its code took OTP_MAX_ATTEMPTS wrong guesses (or was voided
 * by a transaction mismatch): it can never be approved; a new request starts a new verification.
 */
export type VerificationStatus = 'pending' | 'approved' | 'canceled' | 'expired' | 'max_attempts_reached';

/** As stored: `expired` and `max_attempts_reached` are for the use case to tell from the rest. */
export interface VerificationState {
  status: Exclude<VerificationStatus, 'expired' | 'max_attempts_reached'>;
  /** Wrong guesses against its code. */
  attemptsUsed: number;
  expiresAtMs: number;
  /** The provider's latest delivery status of its SMS; undefined when none is tracked (yet). */
  deliveryStatus: string | undefined;
  sealedBinding: string;
  /**
   * HMAC tag of the network that requested the verification: a channel switch is charged to it.
   * Undefined for records written before it was kept.
   */
  requesterNetworkTag: string | undefined;
}

export type ReadOutcome =
  | { kind: 'found'; state: VerificationState }
  | { kind: 'not_found' }
  | { kind: 'rate_limited'; scope: 'ip'; retryAfterSeconds: number };

export type CancelOutcome =
  | { kind: 'canceled' }
  /** Approved verifications stay approved: a receipt was issued and a cancel cannot take it back. */
  | { kind: 'already_approved' }
  | { kind: 'not_found' }
  | { kind: 'rate_limited'; scope: 'ip'; retryAfterSeconds: number };

/**
 * The guard cells a number belongs to (docs/abuse-defense.md). `rangeTag` is an HMAC tag of the
 * number without its last 3 digits; `block`, the number without its last 6 digits (one million
 * numbers, roughly one operator allocation), stays in clear so operators can act on it.
 */
export interface SendCells {
  /** Each channel has its own cells: voice pumping is budgeted apart from SMS. */
  channel: Channel;
  country: string;
  rangeTag: string;
  block: string;
}

/**
 * Why a send was refused. The per-caller and per-number limits (`phone`, `ip` = the client's
 * network, `prefix`, `country` as an absolute cap, `global`) and the guard's cells (`range`,
 * `block`, `country` budget, `global` breaker, `challenged`: the country's budget for callers who
 * solved a challenge is spent too, `trusted`: the API key's budget for users it vouches for).
 */
export const SEND_SCOPES = [
  'phone',
  'ip',
  'prefix',
  'country',
  'global',
  'range',
  'block',
  'challenged',
  'trusted',
] as const;
export type SendScope = (typeof SEND_SCOPES)[number];

/**
 * Everything one send needs, for the one atomic step that admits it and creates its verification:
 * the record (code hash, sealed binding), the number's pointer to it (`active`), which replaces
 * the number's previous verification.
 */
export interface SendRequest {
  /** The store region the verification lives in (undefined: the default, docs/regions.md). */
  region?: string | undefined;
  phoneTag: string;
  /** The app the verification belongs to (docs/apps.md): its active pointer, cooldown and stats. Unset: the default app. */
  app?: string | undefined;
  verificationTag: string;
  codeHash: string;
  /** What the verification is for, sealed (binding-seal.ts): opened only after an approval. */
  sealedBinding: string;
  /** KeyedHasher.transactionTag of the binding's transaction, when it has one: what verify compares. */
  transactionTag: string | undefined;
  /**
   * `auto` only: the sealed FallbackTicket (./fallback-ticket.ts) that lets the service call by
   * itself when the SMS fails. Kept in the record until a channel switch (any) or the fallback.
   */
  fallbackTicket?: string | undefined;
  /** A configured test number: counted apart, kept out of the fraud guard's cells. */
  testNumber: boolean;
  /** HMAC tag of the client's network (src/net/client-network.ts). */
  networkTag: string;
  cells: SendCells;
  /** Which of the guard's ways through this send may take (docs/abuse-defense.md). */
  standing: SendStanding;
  ttlSeconds: number;
  resendCooldownSeconds: number;
  maxFailures: number;
  /** Wrong guesses per code: a channel switch on a used-up verification sends nothing. */
  maxAttempts: number;
  /** A client network over its own failure cap on this number gets no new code for it. */
  maxFailuresPerClient: number;
  nowMs: number;
  /** The UTC hour the send and any refusal are counted in (`stats`). */
  hourBucket: string;
  /**
   * The providers of the route for this country and channel, as configured: the admission reads
   * their conversion cells and breakers (docs/routing.md). Empty: nothing is read.
   */
  routeProviders?: readonly string[] | undefined;
}

/**
 * What the caller brings to the guard. `plain`: nothing (`challengeOnRefusal`: a refusal by the
 * guard will be answered with a challenge, so it is counted as one). `challenged`: the caller
 * solved a challenge for this request, so when the plain cells refuse, the country's challenged
 * cell may admit it. `trusted`: an API key's caller vouches for the user; the range, block and
 * country cells are skipped and the key's own cell (`keyTag`, an HMAC of the key) is checked.
 */
export type SendStanding =
  | { kind: 'plain'; challengeOnRefusal: boolean }
  | { kind: 'challenged' }
  | { kind: 'trusted'; keyTag: string };

/** A code admitted and stored; `revoke` takes back everything the send took (its SMS was refused). */
export interface IssuedSend {
  revoke(): Promise<void>;
}

/**
 * `issued`: every limit passed and the code is stored; `shadowRefusal` names the guard scope that
 * would have refused it under FRAUD_GUARD=shadow. `locked`: the number reached its failure cap
 * (`number`), or this client network reached its own cap on the number (`client`).
 */
export type AdmissionOutcome =
  | {
      kind: 'issued';
      issued: IssuedSend;
      shadowRefusal: SendScope | undefined;
      /** The route's conversion and breakers, read in the same step (SendRequest.routeProviders). */
      route: RouteEvidence;
    }
  | { kind: 'resend_too_soon'; retryAfterSeconds: number }
  | { kind: 'locked'; retryAfterSeconds: number; scope: 'number' | 'client' }
  /** `byGuard`: the guard's cells refused (a challenge may open them), not a plain limit. */
  | { kind: 'rate_limited'; scope: SendScope; retryAfterSeconds: number; byGuard: boolean };

/**
 * A channel switch's answer: as AdmissionOutcome, minus the cooldown (the fallback delay replaces
 * it), plus `not_found` (the verification is not the number's active, pending, unexpired one).
 */
export type ReissueOutcome =
  | Exclude<AdmissionOutcome, { kind: 'resend_too_soon' }>
  | { kind: 'not_found' }
  /** Its code took every wrong guess it may: attempts carry over, so a new one could never verify. */
  | { kind: 'max_attempts_reached' }
  | { kind: 'fallback_too_soon'; retryAfterSeconds: number };

export type ReissueMode =
  | { by: 'user'; fallbackDelaySeconds: number }
  /**
   * `auto` after a failed SMS, or the failover to the route's next provider after a failed report
   * (`failover`, counted apart in the stats): `not_found` unless the verification still holds its
   * ticket.
   */
  | { by: 'service'; failover?: boolean };

/**
 * May one more SMS go out? Failure cap, cooldown, every limit and budget, and the issue of the
 * code, all or nothing in one store round trip: a refusal writes nothing but a refusal counter.
 * Fails closed (throws) when unsure.
 */
export interface SendAdmission {
  admit(send: SendRequest): Promise<AdmissionOutcome>;
  /**
   * A fresh code over `send.cells.channel` on the existing verification `send.verificationTag`
   * (attempts and failure counts carry over, the old code stops working), admitted like a send.
   * The user's switch waits `fallbackDelaySeconds` since its last code; the automatic one (`auto`
   * after a failed SMS) waits for nothing but needs the verification's fallback ticket, which it
   * takes: of two reports of one failure, one call. Any switch ends the automatic fallback.
   * `revoke` on a switch whose message the provider refused removes the verification: neither
   * code reached anyone.
   */
  reissue(send: SendRequest, mode: ReissueMode): Promise<ReissueOutcome>;
}

/**
 * Callers known to be over a limit, remembered so that a blocked caller costs no store round trip
 * until its window ends. The store stays the authority; this only saves trips.
 */
export interface CallerBlocks {
  /** When the block on this caller ends (epoch ms), or undefined when it is not blocked. */
  blockedUntil(caller: string, nowMs: number): number | undefined;
  block(caller: string, untilMs: number): void;
}

/** Is the caller a person? Answers for one bot-check token. */
export interface HumanCheck {
  check(token: string, context: HumanCheckContext): Promise<HumanCheckOutcome>;
}

export interface HumanCheckContext {
  /** The visitor's IP, an extra signal for the provider; undefined when unknown. */
  remoteIp: string | undefined;
  /** Hostnames of the pages allowed to have solved the challenge; a token from any other is refused. */
  allowedHostnames: readonly string[];
}

/** `reasons`: the provider's public codes, which tell a page whether to reset its widget. */
export type HumanCheckOutcome = { kind: 'human' } | { kind: 'refused'; reasons: string[] };

/** Cloudflare Turnstile's documented limit; longer strings are not tokens and are refused unasked. */
export const MAX_HUMAN_CHECK_TOKEN_LENGTH = 2048;

export type CallbackParam = readonly [key: string, value: string];

/** A signed callback as it arrived over HTTP, before anyone trusts it. */
export interface InboundCallback {
  method: 'GET' | 'POST';
  /** Decoded parameters as received: the form body of a POST, the whole query string of a GET. */
  params: readonly CallbackParam[];
  /** Header lookup, case-insensitive. */
  header(name: string): string | undefined;
}

/**
 * What the service keeps from one delivery-status callback. The recipient's number is read only
 * to find the country and then dropped: neither the store nor the log ever sees it.
 */
export interface DeliveryReport {
  /** Lower-case UUID (Plivo) or SID (Twilio); it becomes part of store keys, so its shape is checked strictly. */
  messageUuid: string;
  /** The provider whose signature vouched for the report: it must be the message's sender. */
  provider: ProviderId;
  /** Orders the callbacks of one message; a lower one never overwrites a higher one. */
  sequence: number;
  /** The provider's status (`queued`, `sent`, `delivered`, `failed`, `undelivered`, ...), lower case. */
  status: string;
  /** The provider's error code on failed and undelivered messages; empty otherwise. */
  errorCode: string;
  country: string;
  /** The counter this status settles the message in, if it is a final one. */
  outcome: 'delivered' | 'failed' | undefined;
}

/** Why a callback was not believed. `v2_not_accepted`: it carried only the older V2 signature, which does not cover the body, and V2 is not turned on. */
export type CallbackSignatureProblem = 'missing' | 'malformed' | 'mismatch' | 'v2_not_accepted';

export type CallbackReading =
  | {
      kind: 'report';
      report: DeliveryReport;
      /** Names the signature scheme that vouched for it, for the log. */
      signedWith: string;
      /** Set when the signature does not cover the body: then its nonce must be good only once. */
      singleUseNonce: string | undefined;
    }
  | { kind: 'invalid_signature'; reason: CallbackSignatureProblem }
  | { kind: 'invalid_request'; problems: { field: string; problem: string }[] };

/** Authenticates and reads the SMS provider's delivery-status callbacks. */
export interface DeliveryCallbackReader {
  read(callback: InboundCallback): Promise<CallbackReading>;
}

export type DeliveryRecordOutcome =
  /**
   * The message's state moved to this callback's status. `eventContext`: the sealed EventContext
   * stored with the message when events were on at send time (`delivery.updated`).
   */
  | { kind: 'recorded'; fallback?: PendingFallback | undefined; eventContext?: string | undefined }
  /** This MessageUUID + Sequence was seen before: nothing changed. */
  | { kind: 'duplicate'; fallback?: PendingFallback | undefined }
  /** A later callback of the message is already recorded: nothing changed. */
  | { kind: 'stale'; recordedSequence: number; fallback?: PendingFallback | undefined }
  /** The single-use nonce was used before: a replayed signature over another body. Nothing changed. */
  | { kind: 'nonce_reused' }
  /** No record of this message (never sent by this service, or no longer tracked): nothing changed. */
  | { kind: 'untracked' };

/**
 * A verification with a fallback ticket (`auto`'s call, or a failover to the route's next
 * provider) whose SMS the provider reported failed (or undelivered), still pending, unexpired,
 * and not switched yet: the service owes it its fallback. Returned with every report of that
 * message until the call is admitted (which takes the ticket), so a report answered 503 because
 * the call could not be placed yet is retried by the provider and the call is not lost.
 */
export interface PendingFallback {
  /** The sealed FallbackTicket (./fallback-ticket.ts). */
  ticket: string;
  /** The verification's sealed binding: the number, and the channel the code went out on. */
  sealedBinding: string;
  /** The provider whose report said failed: a failover skips it. */
  failedProvider: string;
}

export interface RecordDeliveryOptions {
  /** UTC hour bucket (src/stats/hour-bucket.ts) a final outcome is counted in. */
  hourBucket: string;
  nowMs: number;
  singleUseNonce: string | undefined;
}

/** Where delivery reports go. One atomic step per callback (one store round trip). */
export interface DeliveryStore {
  record(report: DeliveryReport, options: RecordDeliveryOptions): Promise<DeliveryRecordOutcome>;
}

export interface StatsReader {
  /** Sums the counters and refusals of these hours (one store round trip however many hours). */
  readHours(hourBuckets: readonly string[]): Promise<HourlyCounters>;
}

/**
 * The store regions whose part of a read failed in this request (docs/regions.md): stats sum the
 * regions that answered and say which did not, rather than failing while one region is down.
 */
export interface RegionOutages {
  /** Each region once, in the order its failure was noted; `default` for the default region. */
  regions(): string[];
}

export interface HourlyStatsReader {
  /** Each hour's counters apart, in the order given (one store round trip however many hours). */
  readEachHour(hourBuckets: readonly string[]): Promise<HourCounters[]>;
}

/** Codes sent and verified in one guard cell over the sliding window (weighted, so fractional). */
export interface CellCounts {
  sent: number;
  verified: number;
}

/** The guard's cells of one country as they stand now. */
export interface CountryCells {
  country: CellCounts;
  overdraft: CellCounts;
  /** Sends admitted after their caller solved a challenge. */
  challenged: CellCounts;
  /** Sends API keys vouched for (`trustedUser`), all keys together: reported, never checked. */
  trusted: CellCounts;
  /** The busiest hour of verified codes in the last LEARNED_VOLUME_DAYS days, all channels. */
  learnedPeak: number;
  /** By block (the number without its last 6 digits). */
  blocks: Map<string, CellCounts>;
  /** By range tag (an HMAC of the number without its last 3 digits). */
  ranges: Map<string, CellCounts>;
}

export interface GuardCellsReader {
  /** The cells of these countries at `nowMs` (one store round trip however many countries). */
  read(countries: readonly string[], nowMs: number): Promise<Map<string, CountryCells>>;
}

/**
 * What a call's answer URL may still do. `speak` once: the verification is still the number's
 * active one, pending, unexpired, and its code is the one sealed in the URL. `used`: the URL was
 * answered before (a replay, or Plivo asking twice). `gone`: replaced, canceled, approved or expired.
 */
export type VoiceAnswerClaim = 'speak' | 'used' | 'gone';

export interface VoiceAnswerLedger {
  /** One atomic step: checks the verification and takes the URL's single use. */
  claim(
    ref: VerificationRef,
    answer: { codeHash: string; callUuid: string; nowMs: number; expiresAtMs: number },
  ): Promise<VoiceAnswerClaim>;
}

/** A call's answer request, read and authenticated. */
export type CallAnswerReading =
  /** `machine`: the provider's machine detection says a voicemail answered. */
  | { kind: 'answer'; callUuid: string; machine: boolean }
  | { kind: 'invalid_signature'; reason: CallbackSignatureProblem };

/** Plivo's side of a code call: believing its answer requests, and writing what the call says. */
export interface CallAnswerChannel {
  /** `signedUrl`: the answer URL exactly as the service gave it to Plivo. */
  read(callback: InboundCallback, signedUrl: string): Promise<CallAnswerReading>;
  /** Plivo XML: the prompt spoken `loop` times, or a hang-up that speaks nothing. */
  render(prompt: { language: string; voice: string; text: string } | undefined): string;
}

/** What a request waits on outside the Worker, as its `Server-Timing` spans name it. */
export type DependencySpan = 'store' | 'provider' | 'siteverify';

/**
 * Times the calls a request awaits on its dependencies (src/http/server-timing.ts turns them into
 * the `Server-Timing` header and the log line's spans). Adapters and decorators call it; the use
 * cases never see it.
 */
export interface DependencyTimer {
  time<T>(span: DependencySpan, call: () => Promise<T>): Promise<T>;
}

/** Times nothing: for services built outside a request (tests, scripts). */
export const untimed: DependencyTimer = { time: (_span, call) => call() };

/**
 * Where the use cases drop events for the app's webhook (docs/events.md). Handing one over adds
 * no store round trip and no wait to the caller's request: it goes to the queue after the
 * response, and delivery, retries and signing happen in the queue's consumer.
 */
export interface EventSink {
  /** False when the app has no webhook (or the deployment no queue): use cases build no event. */
  readonly enabled: boolean;
  /** The app the request belongs to, named in every event it emits. */
  readonly appId: string;
  /** Routed to the webhook of `event.data.app` (a delivery report names the app it was sent for). */
  emit(event: ServiceEvent): void;
  /** At the code's expiry, `verification.expired` unless it was approved, canceled or used up. */
  watchExpiry(watch: ExpiryWatch): void;
}
