/**
 * Reading the dashboard's "Providers and routes" panel (src/pages/admin/browser/routes-panel.ts)
 * and checking it against `/admin/stats`' `routing` section.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** A panel table's rows: `key` (a row's data attribute) to each cell's text by column. */
export function panelRows(
  page: Page,
  table: string,
  key: string,
): Promise<Record<string, Record<string, string> & { className: string }>> {
  return page.evaluate(
    ([name, attribute]) => {
      const rows: Record<string, Record<string, string> & { className: string }> = {};
      for (const row of document.querySelectorAll<HTMLElement>(`table[data-table="${name}"] tbody tr`)) {
        const cells: Record<string, string> = {};
        for (const cell of row.querySelectorAll<HTMLElement>('td'))
          cells[cell.dataset.column ?? ''] = cell.textContent ?? '';
        rows[row.dataset[attribute ?? ''] ?? ''] = { ...cells, className: row.className };
      }
      return rows;
    },
    [table, key] as const,
  );
}

export interface Routing {
  mode: string;
  conversions: ({ country: string; channel: string; provider: string } & Record<string, number>)[];
  failovers: Record<string, number>;
  breakers: { provider: string; state: string; openUntil: string | null; requests: number; errors: number }[];
}

const percentText = (rate: number, sent: number) => (sent === 0 ? '–' : `${Math.round(rate * 1000) / 10} %`);

/** The "Providers and routes" panel lists exactly `routing`'s conversions, failovers and breakers. */
export async function expectRoutesPanel(page: Page, routing: Routing): Promise<void> {
  const routes = await panelRows(page, 'routes', 'route');
  expect(Object.keys(routes)).toEqual(
    routing.conversions.map((route) => `${route.country}:${route.channel}:${route.provider}`),
  );
  for (const route of routing.conversions) {
    const row = routes[`${route.country}:${route.channel}:${route.provider}`];
    for (const metric of ['sent', 'delivered', 'failed', 'verified'])
      expect(row?.[metric], `${route.country} ${route.provider} ${metric}`).toBe(String(route[metric]));
    expect(row?.conversion).toBe(percentText(route.conversion ?? 0, route.sent ?? 0));
  }
  const failovers = await panelRows(page, 'failovers', 'country');
  expect(
    Object.fromEntries(Object.entries(failovers).map(([country, row]) => [country, Number(row.failovers)])),
  ).toEqual(routing.failovers);
  const breakers = await panelRows(page, 'breakers', 'provider');
  expect(Object.keys(breakers)).toEqual(routing.breakers.map((breaker) => breaker.provider));
  for (const breaker of routing.breakers) {
    const row = breakers[breaker.provider];
    expect(row?.state).toBe(breaker.state.replace('_', '-'));
    expect(row?.until).toBe(breaker.openUntil ? `${breaker.openUntil.slice(11, 19)} UTC` : '–');
    expect(row?.requests).toBe(String(breaker.requests));
    expect(row?.errors).toBe(String(breaker.errors));
    expect(row?.className).toBe(
      breaker.state === 'open' ? 'alert' : breaker.state === 'half_open' ? 'warn' : '',
    );
  }
}
