import type { CodeProvider, RoutePlan } from './code-provider.ts';
import type { CodeDelivery, DeliveryResult, OperatorLog, ProviderAttempt, RoutedDelivery } from './ports.ts';
import type { ProviderId } from './provider-id.ts';

/**
 * Sends one code along its country's route, same code to every provider tried: the next provider
 * is asked when one refuses the destination or the account (`retryElsewhere`), answers 5xx or 429,
 * or does not answer in time. A refusal of the message itself (an invalid number, an unsubscribed
 * recipient) ends the route: no provider would take it.
 *
 * Nothing here issues a code or touches the store: the send was admitted once, before the first
 * provider (one round trip, the guard's accounting once per send), and every provider carries the
 * code that admission stored. A provider that timed out may still deliver, so the user may get the
 * same code twice; never two different live codes. For the same reason the route's answer is
 * `uncertain`, never `rejected`, once any provider's fate was unknown: a revoke would void a code
 * that may be on its way.
 */
export function createRoutedDelivery(
  providers: readonly CodeProvider[],
  plan: RoutePlan,
  log: Pick<OperatorLog, 'detail'>,
): CodeDelivery {
  const byId = new Map<ProviderId, CodeProvider>(providers.map((provider) => [provider.id, provider]));
  return {
    offers: (channel) => providers.some((provider) => provider.offers(channel)),
    async deliver(dispatch, country, order): Promise<RoutedDelivery> {
      const attempts: ProviderAttempt[] = [];
      for (const id of order ?? plan.order(dispatch.channel, country)) {
        const provider = byId.get(id);
        if (!provider?.offers(dispatch.channel)) continue;
        const result = await provider.deliver(dispatch);
        attempts.push({ provider: id, result });
        if (!goesOn(result)) break;
      }
      const last = attempts.at(-1);
      if (last === undefined) {
        // Config validation keeps every route's channel offered; this is the guard if it did not.
        return {
          result: { kind: 'rejected', status: 503, retryElsewhere: false },
          provider: undefined,
          attempts,
        };
      }
      if (attempts.length > 1) log.detail(`route ${describeAttempts(attempts)}`);
      return { result: settledResult(attempts, last), provider: last.provider, attempts };
    },
  };
}

function goesOn(result: DeliveryResult): boolean {
  if (result.kind === 'accepted') return false;
  if (result.kind === 'rejected') return result.retryElsewhere;
  return true;
}

/** Accepted wins; else any unknown fate keeps the code alive; else the last refusal stands. */
function settledResult(attempts: readonly ProviderAttempt[], last: ProviderAttempt): DeliveryResult {
  if (last.result.kind === 'accepted') return last.result;
  const unknown = attempts.find((attempt) => attempt.result.kind === 'uncertain');
  return unknown ? unknown.result : last.result;
}

/** `plivo timeout > twilio accepted`: for the log line, never a number or a code. */
export function describeAttempts(attempts: readonly ProviderAttempt[]): string {
  return attempts
    .map(({ provider, result }) => {
      if (result.kind === 'accepted') return `${provider} accepted`;
      if (result.kind === 'rejected') return `${provider} refused ${result.status}`;
      return `${provider} ${result.reason}`;
    })
    .join(' > ');
}
