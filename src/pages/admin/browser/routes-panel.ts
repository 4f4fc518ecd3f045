/**
 * How codes went per provider, from GET /admin/stats' `routing` (docs/routing.md): each country,
 * channel and provider's sent, delivered, verified and conversion over the window, the failovers
 * per country, and each provider's breaker now. Built with textContent only: nothing the API
 * returns is read as HTML.
 */
import type { BreakerView, RouteConversion, RoutingView } from '../../../otp/routing/routing-view.ts';

function percent(rate: number, sent: number): string {
  return sent === 0 ? '–' : `${Math.round(rate * 1000) / 10} %`;
}

type Columns<T> = readonly [string, (row: T) => string][];

const ROUTE_COLUMNS: Columns<RouteConversion> = [
  ['country', (route) => route.country],
  ['channel', (route) => route.channel],
  ['provider', (route) => route.provider],
  ['sent', (route) => String(route.sent)],
  ['delivered', (route) => String(route.delivered)],
  ['failed', (route) => String(route.failed)],
  ['verified', (route) => String(route.verified)],
  ['conversion', (route) => percent(route.conversion, route.sent)],
];

const FAILOVER_COLUMNS: Columns<[string, number]> = [
  ['country', ([country]) => country],
  ['failovers', ([, count]) => String(count)],
];

/** "until" in UTC to the second: a breaker opens for minutes, not hours. */
const BREAKER_COLUMNS: Columns<BreakerView> = [
  ['provider', (breaker) => breaker.provider],
  ['state', (breaker) => breaker.state.replace('_', '-')],
  ['until', (breaker) => (breaker.openUntil ? `${breaker.openUntil.slice(11, 19)} UTC` : '–')],
  ['requests', (breaker) => String(breaker.requests)],
  ['errors', (breaker) => String(breaker.errors)],
];

function table<T>(
  name: string,
  caption: string,
  columns: Columns<T>,
  rows: readonly T[],
  mark: (row: T, tr: HTMLTableRowElement) => void,
): HTMLTableElement {
  const element = document.createElement('table');
  element.dataset.table = name;
  element.createCaption().textContent = caption;
  const head = element.createTHead().insertRow();
  for (const [label] of columns) {
    const cell = document.createElement('th');
    cell.scope = 'col';
    cell.textContent = label;
    head.append(cell);
  }
  const body = element.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    mark(row, tr);
    for (const [label, text] of columns) {
      const cell = tr.insertCell();
      cell.dataset.column = label;
      cell.textContent = text(row);
    }
  }
  return element;
}

/** The panel's tables, narrowed to one country when the filter names one (breakers are per provider). */
export function routesTables(routing: RoutingView | undefined, country: string): HTMLElement[] {
  if (!routing) {
    const none = document.createElement('p');
    none.className = 'chart-empty';
    none.textContent = 'This deployment reports no routing.';
    return [none];
  }
  const routes = routing.conversions.filter((route) => country === '' || route.country === country);
  const failovers = Object.entries(routing.failovers)
    .filter(([name]) => country === '' || name === country)
    .sort(([a], [b]) => a.localeCompare(b));
  return [
    table(
      'routes',
      `Routing ${routing.mode}; per country, channel and provider`,
      ROUTE_COLUMNS,
      routes,
      (route, tr) => {
        tr.dataset.route = `${route.country}:${route.channel}:${route.provider}`;
      },
    ),
    table('failovers', 'Failovers after a failed report', FAILOVER_COLUMNS, failovers, ([name], tr) => {
      tr.dataset.country = name;
    }),
    table('breakers', 'Provider breakers now', BREAKER_COLUMNS, routing.breakers, (breaker, tr) => {
      tr.dataset.provider = breaker.provider;
      tr.dataset.state = breaker.state;
      if (breaker.state !== 'closed') tr.className = breaker.state === 'open' ? 'alert' : 'warn';
    }),
  ];
}
