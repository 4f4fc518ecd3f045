import type { Channel } from '../otp/channel.ts';
import type { ChannelRoute, ProviderRoutes } from '../otp/code-provider.ts';
import { isProviderId, PROVIDER_IDS, type ProviderId } from '../otp/provider-id.ts';

/** Today's behaviour when SMS_ROUTES or VOICE_ROUTES is unset: every code through Plivo. */
export const DEFAULT_ROUTE = '*:plivo';

const COUNTRY = /^[A-Z]{2}$/;

export type RouteParse = { ok: true; route: ChannelRoute } | { ok: false; problems: string[] };

/**
 * Reads one channel's routes, `*:plivo,twilio;IN:twilio,plivo`: entries split by `;`, each a
 * country (ISO 3166-1 alpha-2, `XX` for non-geographic numbers) or `*` for every other country,
 * then `:` and the providers to try in order. Problems name the variable and the entry, never
 * guess: a typo in a provider's name must stop the deployment, not silently drop a route.
 */
export function parseChannelRoute(variable: string, raw: string | undefined): RouteParse {
  const text = raw === undefined || raw.trim() === '' ? DEFAULT_ROUTE : raw;
  const problems: string[] = [];
  const byCountry = new Map<string, readonly ProviderId[]>();
  let fallback: readonly ProviderId[] | undefined;
  for (const entry of text.split(';').map((part) => part.trim())) {
    if (entry === '') continue;
    const [key = '', list, ...rest] = entry.split(':').map((part) => part.trim());
    if (list === undefined || rest.length > 0) {
      problems.push(`${variable}: entry "${entry}" must be COUNTRY:provider,provider (or *:...)`);
      continue;
    }
    const country = key.toUpperCase();
    if (country !== '*' && !COUNTRY.test(country)) {
      problems.push(`${variable}: "${key}" is not * or a two-letter country code`);
      continue;
    }
    if (country === '*' ? fallback !== undefined : byCountry.has(country)) {
      problems.push(`${variable}: ${country} is routed twice`);
      continue;
    }
    const providers = parseProviderList(variable, country, list, problems);
    if (providers === undefined) continue;
    if (country === '*') fallback = providers;
    else byCountry.set(country, providers);
  }
  if (fallback === undefined) problems.push(`${variable}: needs a * entry, the route of every other country`);
  if (problems.length > 0 || fallback === undefined) return { ok: false, problems };
  return { ok: true, route: { fallback, byCountry } };
}

function parseProviderList(
  variable: string,
  country: string,
  list: string,
  problems: string[],
): ProviderId[] | undefined {
  const names = list.split(',').map((name) => name.trim().toLowerCase());
  const providers: ProviderId[] = [];
  for (const name of names) {
    if (!isProviderId(name)) {
      problems.push(`${variable}: ${country} names "${name}", not a provider (${PROVIDER_IDS.join(', ')})`);
      return undefined;
    }
    if (providers.includes(name)) {
      problems.push(`${variable}: ${country} names ${name} twice`);
      return undefined;
    }
    providers.push(name);
  }
  return providers;
}

/**
 * Every route of a channel must name only configured providers, and at least one that has the
 * channel's settings wherever the channel is offered at all: else a country's codes would find
 * no provider after admission, which counted the send.
 */
export function checkRoutes(
  routes: ProviderRoutes,
  variables: Readonly<Record<Channel, string>>,
  offers: (provider: ProviderId, channel: Channel) => boolean,
  configured: (provider: ProviderId) => boolean,
): string[] {
  const problems: string[] = [];
  for (const channel of Object.keys(routes) as Channel[]) {
    const route = routes[channel];
    const variable = variables[channel];
    const entries: [string, readonly ProviderId[]][] = [['*', route.fallback], ...route.byCountry];
    const channelOffered = entries.some(([, providers]) => providers.some((id) => offers(id, channel)));
    for (const [country, providers] of entries) {
      for (const id of providers) {
        if (!configured(id)) problems.push(`${variable}: ${country} names ${id}, which is not configured`);
      }
      if (channelOffered && !providers.some((id) => offers(id, channel))) {
        problems.push(`${variable}: ${country} names no provider with ${channel} settings`);
      }
    }
  }
  return [...new Set(problems)];
}
