import { DEFAULT_APP_ID } from '../../otp/app-id.ts';
import type { StatsMetric } from '../../stats/counters.ts';

/**
 * Every Redis key the service writes, built in one place. docs/storage.md describes each one (type,
 * TTL, which script touches it). Keys carry an HMAC tag of the phone number, never the number.
 * The active pointer and the cooldown are the app's (docs/apps.md: a code of one app neither
 * replaces nor delays another app's); the default app's keep their names from before apps. The
 * failure counters stay the number's: every app's guesses count toward one cap.
 */
export function numberKeys(prefix: string, phoneTag: string, app: string | undefined = DEFAULT_APP_ID) {
  const scope = app === DEFAULT_APP_ID ? '' : `@${app}:`;
  return {
    /** The number's active verification: the tag of its id. TTL = the latest record's. */
    active: `${prefix}active:${scope}${phoneTag}`,
    /** Present while a new code may not be sent. TTL = resend cooldown. */
    cooldown: `${prefix}cooldown:${scope}${phoneTag}`,
    /** Wrong guesses across all codes of the number, from everyone. TTL = 24 h from the first failure. */
    failures: `${prefix}failures:${phoneTag}`,
  };
}

/** Wrong guesses on one number from one client network. TTL = 24 h from the first failure. */
export function clientFailuresKey(prefix: string, phoneTag: string, networkTag: string) {
  return `${prefix}failures:${phoneTag}:${networkTag}`;
}

/**
 * One verification, by the HMAC tag of its id: `h` code HMAC, `a` wrong guesses, `s` status
 * (`pending`, `approved`, `canceled`), `c` created and `e` code expiry (epoch ms), `t` test number
 * 0/1, where its approval credits the guard (`w` window index and `o` overdraft 0/1 of the
 * number's counted send, copied from the number's guard mark for a resend; `r` range tag, `b`
 * block), `x` the sealed binding, `m` the SMS's MessageUUID once tracked.
 * TTL = code lifetime + VERIFICATION_RETENTION_SECONDS.
 */
export function verificationKey(prefix: string, verificationTag: string) {
  return `${prefix}verification:${verificationTag}`;
}

/**
 * Present once a code call's answer URL was answered (value: `{code HMAC} {CallUUID}`): each code
 * is spoken once; a later code of the same verification (a switch back to voice) replaces it.
 * TTL = until the spoken code expires (after it, the URL's expiry refuses it anyway).
 */
export function voiceAnswerKey(prefix: string, verificationTag: string) {
  return `${prefix}voice-answer:${verificationTag}`;
}

/**
 * How long a verification outlives its code, so GET can still say `approved`, `canceled` or
 * `expired` to a client that polls a little late; after it, 404.
 */
export const VERIFICATION_RETENTION_SECONDS = 600;

/** Verify attempts from one client network (an HMAC tag of it). TTL = the verify-per-IP window. */
export function verifyIpKey(prefix: string, networkTag: string) {
  return `${prefix}verify-ip:${networkTag}`;
}

/**
 * One fixed window of a plain send limit (`phone`, `ip`, `prefix`, `country`, `global`): an integer
 * count of sends. Two consecutive windows make the sliding window. TTL = two windows.
 */
export function sendLimitKey(prefix: string, scope: string, identifier: string, windowIndex: number) {
  return `${prefix}limit:send-${scope}:${identifier}:${windowIndex}`;
}

/** The channel whose cells the admin pumping report reads; voice and WhatsApp cells are not in it yet. */
export const SMS_CHANNEL = 'sms';

/**
 * The guard's cells of one country and channel in one fixed window: a hash of `s` (sent) and `v`
 * (verified) per cell, `r:{rangeTag}:s|v`, `b:{block}:s|v`, `c:s|v` (the country), `o:s|v` (its
 * overdraft). TTL = two windows plus a minute.
 */
export function guardCellsKey(prefix: string, channel: string, country: string, windowIndex: number) {
  return `${prefix}guard:${channel}:${country}:${windowIndex}`;
}

/**
 * The guard's mark on one number (HMAC tag) and channel: the number's send was counted in the
 * guard's cells, so a resend to it in the same or the next window counts nowhere in them. A hash:
 * `w` the guard window index the send was counted in, `o` 1 when the overdraft admitted it, `c` 1
 * once a verification credited it. TTL = two guard windows plus a minute, like the cells.
 */
export function guardNumberKey(prefix: string, channel: string, phoneTag: string) {
  return `${prefix}guard-number:${channel}:${phoneTag}`;
}

/**
 * A country's learned volume: one hash field per UTC day index (`floor(epoch ms / 86,400,000)`),
 * the most codes verified in one hour of that day, all channels (check-code raises it on each
 * approval; admit-send reads the last LEARNED_VOLUME_DAYS). TTL = those days plus two.
 */
export function guardPeakKey(prefix: string, country: string) {
  return `${prefix}guard-peak:${country}`;
}

/** The UTC day a time falls in, as the learned peaks' fields name it. */
export function utcDayIndex(nowMs: number): number {
  return Math.floor(nowMs / 86_400_000);
}

/**
 * The cells of the API keys whose callers vouch for their users (`trustedUser`), in one fixed
 * guard window: `{keyTag}:s|v` per key (keyTag: an HMAC of the key's digest). TTL as the cells.
 */
export function guardTrustedKey(prefix: string, windowIndex: number) {
  return `${prefix}guard-trusted:${windowIndex}`;
}

/**
 * SCAN MATCH patterns of every key that holds a caller back: the plain send limits' windows, the
 * resend cooldowns, the failure counters (number-wide and per network), the verify-per-IP windows,
 * and the fraud guard's cells, number marks and trusted keys' cells. What "reset local limits" deletes for a developer
 * (local/limit-reset.ts, never in a deployment). Verifications, active pointers, voice-answer
 * claims, stats and delivery records are none of these: a code in flight still verifies after a
 * reset, and the admin report keeps its history.
 */
export function callerLimitKeyPatterns(prefix: string): string[] {
  const literal = prefix.replace(/[*?[\]\\]/g, (character) => `\\${character}`);
  return ['limit:', 'cooldown:', 'failures:', 'verify-ip:', 'guard:', 'guard-number:', 'guard-trusted:'].map(
    (family) => `${literal}${family}*`,
  );
}

/** Eight days: GET /admin/stats reads up to 168 hours back, plus a day of margin. */
export const STATS_TTL_SECONDS = 8 * 24 * 60 * 60;

/** Counters of one UTC hour (`YYYYMMDDHH`), one hash field per `{country}:{metric}`. TTL = STATS_TTL_SECONDS. */
export function statsHourKey(prefix: string, hourBucket: string) {
  return `${prefix}stats:${hourBucket}`;
}

/** A field of a stats hash: `US:sent`, `GB:verified`, ... */
export function statsField(country: string, metric: StatsMetric) {
  return `${country}:${metric}`;
}

/**
 * An app's field of a stats hash, beside the country's in the same script: `@shop:sent`,
 * `@shop:verified`, `@shop:refused:range`, `@shop:challenged:country` (docs/apps.md). Only in a
 * deployment with APPS (`countApps`): with one app its counts are the countries' totals, and its
 * stats hashes stay as they were. '' tells the scripts to count nothing per app.
 */
export function statsAppField(countApps: boolean, app: string | undefined, metric: string) {
  return countApps ? `@${app ?? DEFAULT_APP_ID}:${metric}` : '';
}

/**
 * Two days from the send: how long a sent SMS is tracked, so how long its delivery reports count.
 * Plivo drops an SMS still queued after `message_expiry` (the code's lifetime, at most 10 minutes
 * here), posts each status within seconds to minutes, and retries a callback that failed three
 * times over about 7 minutes; carriers' late receipts can take hours. Two days covers all of that
 * with a wide margin, and the per-hour stats only matter for recent hours anyway. A report after
 * it finds no record and changes nothing. Also how long a V2 nonce is remembered.
 */
export const DELIVERY_TTL_SECONDS = 2 * 24 * 60 * 60;

/** Keys of one SMS's delivery reports, by Plivo's MessageUUID (no phone number). */
export function deliveryKeys(prefix: string, messageUuid: string, sequence: number) {
  return {
    /**
     * Hash written when Plivo accepted the SMS (`country`, `sentAt`; track-message), then
     * `status`, `sequence`, `errorCode`, `updatedAt`, `counted` (the stats field counted once) by
     * its reports. TTL = DELIVERY_TTL_SECONDS from the send, never extended: reports count only
     * while it exists.
     */
    record: deliveryRecordKey(prefix, messageUuid),
    /** Present once this MessageUUID + Sequence was processed: repeats change nothing. TTL = the record's remaining TTL. */
    seen: `${prefix}delivery-seen:${messageUuid}:${sequence}`,
  };
}

export function deliveryRecordKey(prefix: string, messageUuid: string) {
  return `${prefix}delivery:${messageUuid}`;
}

/** A V2 signature nonce already used: V2 does not sign the body, so each nonce counts once. TTL = DELIVERY_TTL_SECONDS. */
export function callbackNonceKey(prefix: string, nonce: string) {
  return `${prefix}delivery-nonce:${nonce}`;
}

/**
 * A route's conversion cells: per provider of one country and channel, in one fixed
 * ROUTING_WINDOW, `{provider}:s` (sent: the provider accepted it; track-message), `:d` / `:f`
 * (final delivery report delivered / failed; record-delivery) and `:v` (verified; check-code).
 * admit-send reads two windows as a sliding one (docs/routing.md). TTL = two windows plus a minute.
 */
export function routeCellsKey(prefix: string, channel: string, country: string, windowIndex: number) {
  return `${prefix}route:${channel}:${country}:${windowIndex}`;
}

/**
 * One provider's breaker: `ws` when its counting window started (epoch ms), `a` requests and `e`
 * errors (timeouts, network errors, 5xx) in it, `u` open until (epoch ms), `h` 1 once opened (after
 * `u` the provider is half-open: its next answer closes or reopens it). TTL = a day from the last
 * request it counted.
 */
export function breakerKey(prefix: string, provider: string) {
  return `${prefix}breaker:${provider}`;
}

export const BREAKER_TTL_SECONDS = 24 * 60 * 60;

/**
 * Routing's counters of one UTC hour (`YYYYMMDDHH`), apart from `stats:` so its fields stay as
 * they were: `{country}:{channel}:{provider}:sent|delivered|failed|verified` and
 * `{country}:failover` (a failed report followed by the route's next provider). Read by
 * GET /admin/stats. TTL = STATS_TTL_SECONDS.
 */
export function routeStatsHourKey(prefix: string, hourBucket: string) {
  return `${prefix}route-stats:${hourBucket}`;
}

/**
 * Events that used every retry (docs/events.md), one hash field per event id holding the JSON of
 * the dead record (app, event, when, attempts): no code, no number in clear. The key's TTL,
 * DEAD_EVENTS_TTL_SECONDS, is renewed by each new dead event.
 */
export function deadEventsKey(prefix: string) {
  return `${prefix}events:dead`;
}

/** Fourteen days: a dead letter waits that long for an operator (Cloudflare Queues' longest retention). */
export const DEAD_EVENTS_TTL_SECONDS = 14 * 24 * 60 * 60;

/** Webhook attempts of one hour, in the hour's stats hash: `webhooks:delivered`, `webhooks:failed`, `webhooks:dead`. */
export function webhookStatsField(outcome: 'delivered' | 'failed' | 'dead') {
  return `webhooks:${outcome}`;
}
