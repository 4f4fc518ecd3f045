import type { FailoverLog } from '../../otp/code-provider.ts';
import { DependencyUnavailableError } from '../../otp/dependency-error.ts';
import type { VerificationSnapshots } from '../../otp/events/delivery-ports.ts';
import type {
  CellCounts,
  CountryCells,
  DeliveryStore,
  GuardCellsReader,
  ProviderHealthLog,
  RegionOutages,
  SendAdmission,
  SentMessageLog,
  StatsReader,
  StoreRegionMap,
  VerificationStore,
  VoiceAnswerLedger,
} from '../../otp/ports.ts';
import { type HourlyCounters, type ScopeCounts, zeroAppCounters } from '../../stats/counters.ts';
import type { RoutingCounters } from '../../stats/routing-counters.ts';

/**
 * The store's ports over several regions (docs/regions.md). Each call goes to ONE region, so every
 * atomic step stays one script in one database: a verification's calls to the region its id names,
 * a new send to its country's region, a delivery report to its message's country's region. Stats
 * and guard cells are read in every region and summed. `region` undefined is the default region;
 * `pick` answers undefined for a region no longer configured, which holds nothing this deployment
 * can reach: its verifications are answered as gone, without a round trip.
 */
export type RegionPicker<Port> = (region: string | undefined) => Port | undefined;

/** One region's reader, by the name stats report it under (`default` for the default region). */
export interface RegionReader<Reader> {
  region: string;
  reader: Reader;
}

/** A request's record of the regions whose reads failed: what its stats left out. */
export function createRegionOutages(): RegionOutages & { note(region: string): void } {
  const down: string[] = [];
  return {
    note: (region) => {
      if (!down.includes(region)) down.push(region);
    },
    regions: () => [...down],
  };
}

/**
 * Every region's answer to `read`, in parallel. A region that is down or too slow
 * (DependencyUnavailableError) is noted and left out, so an operator still sees the other
 * regions' countries during one region's outage; when every region fails, the read fails (503).
 * Any other error is a bug and is thrown.
 */
export async function readEveryRegion<Reader, Value>(
  readers: readonly RegionReader<Reader>[],
  read: (reader: Reader) => Promise<Value>,
  outages: { note(region: string): void },
): Promise<Value[]> {
  const settled = await Promise.allSettled(readers.map(({ reader }) => read(reader)));
  const values: Value[] = [];
  let unavailable: unknown;
  settled.forEach((result, index) => {
    if (result.status === 'fulfilled') {
      values.push(result.value);
      return;
    }
    if (!(result.reason instanceof DependencyUnavailableError)) throw result.reason;
    outages.note(readers[index]?.region ?? 'default');
    unavailable ??= result.reason;
  });
  if (values.length === 0 && unavailable !== undefined) throw unavailable;
  return values;
}

export function regionalVerificationStore(pick: RegionPicker<VerificationStore>): VerificationStore {
  return {
    check: async (ref, candidate, policy) =>
      (await pick(ref.region)?.check(ref, candidate, policy)) ?? { kind: 'not_found' },
    read: async (ref, access) => (await pick(ref.region)?.read(ref, access)) ?? { kind: 'not_found' },
    cancel: async (ref, access) => (await pick(ref.region)?.cancel(ref, access)) ?? { kind: 'not_found' },
  };
}

export function regionalSendAdmission(pick: RegionPicker<SendAdmission>): SendAdmission {
  return {
    admit(send) {
      const admission = pick(send.region);
      // A new send's region comes from the configured map, so it is always configured.
      if (!admission) throw new Error(`send admitted in unknown store region ${send.region}`);
      return admission.admit(send);
    },
    reissue: async (send, mode) => (await pick(send.region)?.reissue(send, mode)) ?? { kind: 'not_found' },
  };
}

export function regionalVoiceAnswerLedger(pick: RegionPicker<VoiceAnswerLedger>): VoiceAnswerLedger {
  return { claim: async (ref, answer) => (await pick(ref.region)?.claim(ref, answer)) ?? 'gone' };
}

/** An event's expiry watch reads the verification in the region its id names. */
export function regionalVerificationSnapshots(
  pick: RegionPicker<VerificationSnapshots>,
): VerificationSnapshots {
  return { read: async (ref) => pick(ref.region)?.read(ref) };
}

/**
 * Provider breakers live in each region beside the admissions that read them (one round trip): a
 * send's answers are counted in its own region, so each region learns a provider's health from
 * its own sends.
 */
export function regionalProviderHealthLog(pick: RegionPicker<ProviderHealthLog>): ProviderHealthLog {
  return { note: (answers, nowMs, failover, region) => pick(region)?.note(answers, nowMs, failover, region) };
}

export function regionalFailoverLog(pick: RegionPicker<FailoverLog>): FailoverLog {
  return {
    count: (country, attempts, hourBucket, region) =>
      pick(region)?.count(country, attempts, hourBucket, region),
  };
}

export function regionalSentMessageLog(pick: RegionPicker<SentMessageLog>): SentMessageLog {
  return { remember: (message) => pick(message.region)?.remember(message) };
}

/**
 * A report names its message, not its verification: the message was tracked in the region of its
 * number's country, read from the signed report's `To`. A message sent before its country moved to
 * a new region was tracked in the default region, so a report the country's region does not know is
 * asked of the default region once more: only such reports (and untracked ones) pay a second trip.
 */
export function regionalDeliveryStore(
  pick: RegionPicker<DeliveryStore>,
  regions: StoreRegionMap,
): DeliveryStore {
  return {
    async record(report, options) {
      const region = regions.regionOf(report.country);
      const recorded = await (pick(region) as DeliveryStore).record(report, options);
      if (recorded.kind !== 'untracked' || region === undefined) return recorded;
      return (pick(undefined) as DeliveryStore).record(report, options);
    },
  };
}

/** Every region's hours, read at once (one round trip each, in parallel) and summed per country. */
export function summedStatsReader(
  readers: readonly RegionReader<StatsReader>[],
  outages: { note(region: string): void },
): StatsReader {
  return {
    async readHours(hourBuckets) {
      const all = await readEveryRegion(readers, (reader) => reader.readHours(hourBuckets), outages);
      const sum: HourlyCounters = { counts: new Map(), refusals: new Map(), webhooks: new Map() };
      for (const read of all) {
        for (const [country, counts] of read.counts) {
          const into = sum.counts.get(country);
          if (!into) sum.counts.set(country, { ...counts });
          else
            for (const metric of Object.keys(counts) as (keyof typeof counts)[])
              into[metric] += counts[metric];
        }
        for (const [country, refusals] of read.refusals) {
          const into = sum.refusals.get(country) ?? { refused: {}, shadow: {}, challenged: {} };
          addScopes(into.refused, refusals.refused);
          addScopes(into.shadow, refusals.shadow);
          addScopes(into.challenged, refusals.challenged);
          sum.refusals.set(country, into);
        }
        if (read.routing) sum.routing = addRouting(sum.routing, read.routing);
        if (read.apps && !sum.apps) sum.apps = new Map();
        for (const [app, counters] of read.apps ?? []) {
          const into = sum.apps?.get(app) ?? zeroAppCounters();
          into.sent += counters.sent;
          into.verified += counters.verified;
          into.test_sent += counters.test_sent;
          into.test_verified += counters.test_verified;
          addScopes(into.refused, counters.refused);
          addScopes(into.shadow, counters.shadow);
          addScopes(into.challenged, counters.challenged);
          sum.apps?.set(app, into);
        }
        // Webhook counts are written in the default region only (they belong to no country); summed all the same.
        for (const [hour, counts] of read.webhooks) {
          const into = sum.webhooks.get(hour) ?? { delivered: 0, failed: 0, dead: 0 };
          into.delivered += counts.delivered;
          into.failed += counts.failed;
          into.dead += counts.dead;
          sum.webhooks.set(hour, into);
        }
      }
      return sum;
    },
  };
}

/**
 * Every region's cells of these countries, summed. A country's cells live in its region; the old
 * region still holds what was counted there before the country moved, until its windows pass, and
 * the guard's budget there was spent all the same, so it is shown.
 */
export function summedGuardCellsReader(
  readers: readonly RegionReader<GuardCellsReader>[],
  outages: { note(region: string): void },
): GuardCellsReader {
  return {
    async read(countries, nowMs) {
      const all = await readEveryRegion(readers, (reader) => reader.read(countries, nowMs), outages);
      const sum = new Map<string, CountryCells>();
      for (const read of all) {
        for (const [country, cells] of read) {
          const into = sum.get(country);
          if (!into) {
            sum.set(country, cells);
            continue;
          }
          addCell(into.country, cells.country);
          addCell(into.overdraft, cells.overdraft);
          addCell(into.challenged, cells.challenged);
          addCell(into.trusted, cells.trusted);
          into.learnedPeak = Math.max(into.learnedPeak, cells.learnedPeak);
          addCells(into.blocks, cells.blocks);
          addCells(into.ranges, cells.ranges);
        }
      }
      return sum;
    },
  };
}

function addScopes(into: ScopeCounts, from: ScopeCounts) {
  for (const [scope, count] of Object.entries(from)) into[scope] = (into[scope] ?? 0) + count;
}

function addCell(into: CellCounts, from: CellCounts) {
  into.sent += from.sent;
  into.verified += from.verified;
}

function addCells(into: Map<string, CellCounts>, from: ReadonlyMap<string, CellCounts>) {
  for (const [id, cell] of from) {
    const existing = into.get(id);
    if (existing) addCell(existing, cell);
    else into.set(id, { ...cell });
  }
}

/** Routes and failovers summed; a provider's breakers of every region as one: open while any is. */
function addRouting(into: RoutingCounters | undefined, from: RoutingCounters): RoutingCounters {
  if (!into) {
    return {
      routes: new Map([...from.routes].map(([key, counts]) => [key, { ...counts }])),
      failovers: new Map(from.failovers),
      breakers: from.breakers.map((breaker) => ({ ...breaker })),
    };
  }
  for (const [key, counts] of from.routes) {
    const sum = into.routes.get(key);
    if (!sum) into.routes.set(key, { ...counts });
    else {
      sum.sent += counts.sent;
      sum.delivered += counts.delivered;
      sum.failed += counts.failed;
      sum.verified += counts.verified;
    }
  }
  for (const [country, count] of from.failovers)
    into.failovers.set(country, (into.failovers.get(country) ?? 0) + count);
  for (const breaker of from.breakers) {
    const sum = into.breakers.find((existing) => existing.provider === breaker.provider);
    if (!sum) into.breakers.push({ ...breaker });
    else {
      sum.openUntilMs = Math.max(sum.openUntilMs, breaker.openUntilMs);
      sum.tripped ||= breaker.tripped;
      sum.requests += breaker.requests;
      sum.errors += breaker.errors;
    }
  }
  return into;
}
