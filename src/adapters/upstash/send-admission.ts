import type { Rate } from '../../config/rate.ts';
import { type FraudGuardPolicy, LEARNED_VOLUME_DAYS } from '../../otp/fraud-guard-policy.ts';
import type {
  AdmissionOutcome,
  IssuedSend,
  ReissueMode,
  ReissueOutcome,
  SendAdmission,
  SendRequest,
  SendScope,
} from '../../otp/ports.ts';
import { SEND_SCOPES } from '../../otp/ports.ts';
import type { RoutingPolicy } from '../../otp/routing/routing-policy.ts';
import {
  breakerKey,
  clientFailuresKey,
  guardCellsKey,
  guardNumberKey,
  guardPeakKey,
  guardTrustedKey,
  numberKeys,
  routeCellsKey,
  routeStatsHourKey,
  STATS_TTL_SECONDS,
  sendLimitKey,
  statsAppField,
  statsField,
  statsHourKey,
  utcDayIndex,
  VERIFICATION_RETENTION_SECONDS,
  verificationKey,
} from './keys.ts';
import { parseRouteEvidence } from './route-evidence-reply.ts';
import { ADMIT_SEND_SCRIPT } from './scripts/admit-send.ts';
import { REVOKE_CODE_SCRIPT } from './scripts/revoke-code.ts';
import { windowPosition } from './sliding-window.ts';
import { type StoreCalls, unexpectedReply } from './store-call.ts';

/** The plain limits, in the order admit-send reads them. */
export const PLAIN_LIMITS = ['phone', 'ip', 'prefix', 'country', 'global'] as const;
type PlainLimit = (typeof PLAIN_LIMITS)[number];

export interface SendAdmissionSettings {
  readonly keyPrefix: string;
  readonly rates: Readonly<Record<PlainLimit, Rate>>;
  readonly guard: FraudGuardPolicy;
  /** ROUTING_WINDOW: the route's conversion cells the admission reads. */
  readonly routing: Pick<RoutingPolicy, 'windowSeconds'>;
  /** The deployment has APPS: sends and refusals are also counted per app (keys.ts statsAppField). Default false. */
  readonly countApps?: boolean;
}

/** Guard hashes outlive their two windows by a minute, so a verify at the edge still finds its cell. */
const GUARD_TTL_MARGIN_SECONDS = 60;

/**
 * SendAdmission as one Lua script (scripts/admit-send.ts): every check and the issue of the code in
 * one store round trip, all or nothing. @upstash/ratelimit's limiters each count on their own, so
 * a request one of them refused still spent the others' tokens; one script can check everything
 * before it writes anything.
 */
export function createUpstashSendAdmission(
  calls: StoreCalls,
  settings: SendAdmissionSettings,
): SendAdmission {
  const { keyPrefix, rates, guard, routing, countApps = false } = settings;
  async function admitOrReissue(
    send: SendRequest,
    mode: ReissueMode | undefined,
  ): Promise<AdmissionOutcome | ReissueOutcome> {
    const number = numberKeys(keyPrefix, send.phoneTag, send.app);
    const record = verificationKey(keyPrefix, send.verificationTag);
    const statsKey = statsHourKey(keyPrefix, send.hourBucket);
    const identifiers: Record<PlainLimit, string> = {
      phone: send.phoneTag,
      ip: send.networkTag,
      prefix: send.cells.rangeTag,
      country: send.cells.country,
      global: 'all',
    };
    const declared = guard.expected.get(send.cells.country) ?? 0;
    const limits = PLAIN_LIMITS.map((scope) => {
      const rate = countryCapFor(scope, rates[scope], declared);
      const position = windowPosition(send.nowMs, rate.windowSeconds);
      return {
        scope,
        rate,
        position,
        current: sendLimitKey(keyPrefix, scope, identifiers[scope], position.index),
        previous: sendLimitKey(keyPrefix, scope, identifiers[scope], position.previousIndex),
      };
    });
    const cellsWindow = windowPosition(send.nowMs, guard.windowSeconds);
    const guardKey = guardCellsKey(keyPrefix, send.cells.channel, send.cells.country, cellsWindow.index);
    const guardMark = guardNumberKey(keyPrefix, send.cells.channel, send.phoneTag);
    const trustedCells = [
      guardTrustedKey(keyPrefix, cellsWindow.index),
      guardTrustedKey(keyPrefix, cellsWindow.previousIndex),
    ] as const;
    const { standing } = send;
    const routeProviders = send.routeProviders ?? [];
    const routeWindow = windowPosition(send.nowMs, routing.windowSeconds);
    const reply = await calls.script(
      ADMIT_SEND_SCRIPT,
      [
        record,
        number.cooldown,
        number.failures,
        statsKey,
        ...limits.flatMap((limit) => [limit.current, limit.previous]),
        guardKey,
        guardCellsKey(keyPrefix, send.cells.channel, send.cells.country, cellsWindow.previousIndex),
        clientFailuresKey(keyPrefix, send.phoneTag, send.networkTag),
        number.active,
        guardMark,
        guardPeakKey(keyPrefix, send.cells.country),
        ...trustedCells,
        routeCellsKey(keyPrefix, send.cells.channel, send.cells.country, routeWindow.index),
        routeCellsKey(keyPrefix, send.cells.channel, send.cells.country, routeWindow.previousIndex),
        routeStatsHourKey(keyPrefix, send.hourBucket),
        ...routeProviders.map((provider) => breakerKey(keyPrefix, provider)),
      ],
      [
        send.codeHash,
        send.ttlSeconds,
        send.resendCooldownSeconds,
        send.maxFailures,
        send.cells.country,
        STATS_TTL_SECONDS,
        guard.mode,
        ...limits.flatMap((limit) => [
          limit.rate.limit,
          limit.position.previousWeight,
          (2 * limit.rate.windowSeconds + 1) * 1000,
        ]),
        cellsWindow.previousWeight,
        2 * guard.windowSeconds + GUARD_TTL_MARGIN_SECONDS,
        cellsWindow.index,
        send.cells.rangeTag,
        send.cells.block,
        guard.rangeBase,
        guard.blockBase,
        guard.countryBase,
        guard.overdraftBase,
        guard.credit,
        guard.healthyMinVerified,
        send.maxFailuresPerClient,
        send.ttlSeconds + VERIFICATION_RETENTION_SECONDS,
        send.verificationTag,
        send.sealedBinding,
        send.testNumber ? 1 : 0,
        send.nowMs,
        send.nowMs + send.ttlSeconds * 1000,
        send.transactionTag ?? '',
        switchDelayMs(mode),
        send.cells.channel,
        send.fallbackTicket ?? '',
        mode?.by === 'service' ? 1 : 0,
        declared,
        utcDayIndex(send.nowMs),
        LEARNED_VOLUME_DAYS,
        standing.kind === 'challenged' ? 1 : '',
        standing.kind === 'trusted' ? standing.keyTag : '',
        guard.challengedBase,
        guard.trustedBase,
        standing.kind === 'plain' && standing.challengeOnRefusal ? 1 : '',
        send.networkTag,
        send.maxAttempts,
        routeWindow.previousWeight,
        routeProviders.join(' '),
        mode?.by === 'service' && mode.failover ? 1 : '',
        statsAppField(countApps, send.app, ''),
      ],
    );
    if (!Array.isArray(reply) || reply.length < 2) throw unexpectedReply(typeof reply);
    const [kind, detail, extra, charged, evidence] = reply.map(String);
    switch (kind) {
      case 'issued': {
        const issued: IssuedSend = {
          async revoke() {
            await calls.script(
              REVOKE_CODE_SCRIPT,
              [
                record,
                number.cooldown,
                statsKey,
                guardKey,
                ...limits.map((limit) => limit.current),
                number.active,
                guardMark,
                trustedCells[0],
              ],
              [
                send.verificationTag,
                statsField(send.cells.country, 'sent'),
                send.cells.rangeTag,
                send.cells.block,
                charged ?? '',
                standing.kind === 'trusted' ? standing.keyTag : '',
                statsAppField(countApps, send.app, 'sent'),
                send.testNumber ? '' : `${send.cells.country}:via:${send.cells.channel}`,
              ],
            );
          },
        };
        return {
          kind: 'issued',
          issued,
          shadowRefusal: detail === '' ? undefined : sendScope(detail),
          route: parseRouteEvidence(evidence ?? ''),
        };
      }
      case 'not_found':
        return { kind: 'not_found' };
      case 'used_up':
        return { kind: 'max_attempts_reached' };
      case 'fallback_wait':
        return {
          kind: 'fallback_too_soon',
          retryAfterSeconds: Math.max(1, Math.ceil(Number(detail) / 1000)),
        };
      case 'cooldown':
        return { kind: 'resend_too_soon', retryAfterSeconds: pttlToSeconds(Number(detail)) };
      case 'locked':
        return { kind: 'locked', scope: 'number', retryAfterSeconds: pttlToSeconds(Number(detail)) };
      case 'client_locked':
        return { kind: 'locked', scope: 'client', retryAfterSeconds: pttlToSeconds(Number(detail)) };
      case 'limited': {
        const scope = sendScope(detail);
        const plain = extra === 'limit' ? limits.find((limit) => limit.scope === scope) : undefined;
        const position = plain ? plain.position : cellsWindow;
        return {
          kind: 'rate_limited',
          scope,
          retryAfterSeconds: position.retryAfterSeconds,
          byGuard: plain === undefined,
        };
      }
      default:
        throw unexpectedReply(kind ?? 'empty');
    }
  }
  return {
    async admit(send) {
      const outcome = await admitOrReissue(send, undefined);
      if (
        outcome.kind === 'not_found' ||
        outcome.kind === 'fallback_too_soon' ||
        outcome.kind === 'max_attempts_reached'
      )
        throw unexpectedReply(outcome.kind);
      return outcome;
    },
    async reissue(send, mode) {
      const outcome = await admitOrReissue(send, mode);
      if (outcome.kind === 'resend_too_soon') throw unexpectedReply(outcome.kind);
      return outcome;
    },
  };
}

/**
 * A declared country's absolute cap (RATE_LIMIT_SEND_PER_COUNTRY) is at least twice its declared
 * hourly volume: the operator said it expects that many, and a cap below it would refuse the
 * very launch the declaration is for.
 */
function countryCapFor(scope: PlainLimit, rate: Rate, declared: number): Rate {
  const floor = Math.ceil((2 * declared * rate.windowSeconds) / 3600);
  if (scope !== 'country' || rate.limit >= floor) return rate;
  return { ...rate, limit: floor };
}

/** admit-send's ARGV[42]: '' for a new verification, else the wait since the last code (ms). */
function switchDelayMs(mode: ReissueMode | undefined): number | '' {
  if (mode === undefined) return '';
  return mode.by === 'user' ? mode.fallbackDelaySeconds * 1000 : 0;
}

function sendScope(text: string | undefined): SendScope {
  const scope = SEND_SCOPES.find((known) => known === text);
  if (!scope) throw unexpectedReply(`scope ${text}`);
  return scope;
}

/** Redis answers -1/-2 for keys without TTL or already gone; never tell a client to wait 0 s. */
function pttlToSeconds(pttl: number): number {
  return pttl > 0 ? Math.ceil(pttl / 1000) : 1;
}
