import type { Channel } from './channel.ts';
import type { CodeDispatch, DeliveryResult, ProviderAttempt } from './ports.ts';
import type { ProviderId } from './provider-id.ts';

/**
 * One provider's way of sending codes: what a route's entry stands for. A refusal that another
 * provider may not share (the destination or the account, not the message) says so with
 * `retryElsewhere`; every `uncertain` answer (timeout, 5xx, throttled) lets the route go on too.
 */
export interface CodeProvider {
  readonly id: ProviderId;
  /** False when the deployment lacks this provider's settings for the channel. */
  offers(channel: Channel): boolean;
  deliver(dispatch: CodeDispatch): Promise<DeliveryResult>;
}

/** One channel's routes: an ordered provider list per country, and the list for every other one. */
export interface ChannelRoute {
  /** `*` in the setting. */
  readonly fallback: readonly ProviderId[];
  /** ISO 3166-1 alpha-2 country (upper case, `XX` for non-geographic numbers) to its own list. */
  readonly byCountry: ReadonlyMap<string, readonly ProviderId[]>;
}

/** Every channel's routes, as SMS_ROUTES and VOICE_ROUTES set them (WhatsApp: Plivo only). */
export type ProviderRoutes = Readonly<Record<Channel, ChannelRoute>>;

/** The providers a code for this country and channel tries, first to last. */
export function providersOnRoute(
  routes: ProviderRoutes,
  channel: Channel,
  country: string,
): readonly ProviderId[] {
  const route = routes[channel];
  return route.byCountry.get(country) ?? route.fallback;
}

/**
 * Orders the providers of one send. The static plan reads the routes as configured; an adaptive
 * plan (ROUTING=adaptive) may reorder or skip them on evidence. Only providers on the route.
 */
export interface RoutePlan {
  order(channel: Channel, country: string): readonly ProviderId[];
}

export function staticRoutePlan(routes: ProviderRoutes): RoutePlan {
  return { order: (channel, country) => providersOnRoute(routes, channel, country) };
}

/**
 * The provider as the routes use it: a channel counts as offered only when some route of that
 * channel names the provider, so Twilio's voice settings do not turn the voice channel on while
 * VOICE_ROUTES names Plivo alone.
 */
export function restrictToRoutes(provider: CodeProvider, routes: ProviderRoutes): CodeProvider {
  const named = (channel: Channel) => {
    const route = routes[channel];
    return (
      route.fallback.includes(provider.id) ||
      [...route.byCountry.values()].some((ids) => ids.includes(provider.id))
    );
  };
  return {
    id: provider.id,
    offers: (channel) => named(channel) && provider.offers(channel),
    deliver: (dispatch) => provider.deliver(dispatch),
  };
}

/**
 * Sends that needed more than one provider, counted per country and hour after the response
 * (docs/storage.md, `route_failover` and `route_unknown_fate`): an attempt whose fate is unknown
 * (timeout, network, 5xx) followed by another provider may have given the user the same code
 * twice. Counting never delays or fails the send.
 */
export interface FailoverLog {
  /** `region`: the send's store region (docs/regions.md), where its country's stats live. */
  count(
    country: string,
    attempts: readonly ProviderAttempt[],
    hourBucket: string,
    region?: string | undefined,
  ): void;
}

/** Attempts that may still have delivered: their provider never said it did not. */
export function attemptsOfUnknownFate(attempts: readonly ProviderAttempt[]): number {
  return attempts.filter(({ result }) => result.kind === 'uncertain' && result.reason !== 'throttled').length;
}
