/**
 * What the guard holds now, per country, from GET /admin/stats: the budget it expects (declared
 * and learned), each cell's unverified sends against its limit, and the blocks and ranges under
 * pressure. Built with textContent only: nothing the API returns is read as HTML.
 */
import type { CountryStats, StatsSummary } from './stats-wire.ts';

type Cell = { unverified: number; limit: number; underPressure: boolean };

function cellText(cell: Cell): string {
  return `${cell.unverified} / ${cell.limit}${cell.underPressure ? ' under pressure' : ''}`;
}

function percent(rate: number | null): string {
  return rate === null ? '–' : `${Math.round(rate * 1000) / 10} %`;
}

function scopes(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? '–' : entries.map(([scope, count]) => `${scope} ${count}`).join(', ');
}

const COLUMNS: readonly [string, (country: CountryStats) => string][] = [
  ['country', (country) => country.country],
  ['sent', (country) => String(country.sent)],
  ['verified', (country) => String(country.verified)],
  ['conversion', (country) => percent(country.verificationRate)],
  ['pumping', (country) => (country.flagged ? 'flagged' : '–')],
  ['refused', (country) => scopes(country.refused)],
  ['challenged', (country) => scopes(country.challenged)],
  ['declared /h', (country) => String(country.guard.expected.declared)],
  ['learned /h', (country) => String(country.guard.expected.learned)],
  ['base', (country) => String(country.guard.expected.base)],
  ['country cell', (country) => cellText(country.guard.budget)],
  ['overdraft', (country) => cellText(country.guard.overdraft)],
  ['challenged cell', (country) => cellText(country.guard.challenged)],
  [
    'under pressure',
    (country) =>
      [
        ...country.guard.worstBlocks
          .filter((cell) => cell.underPressure)
          .map((cell) => `block ${cell.block}`),
        ...country.guard.worstRanges
          .filter((cell) => cell.underPressure)
          .map((cell) => `range ${cell.rangeTag.slice(0, 8)}`),
      ].join(', ') || '–',
  ],
];

/** Any of the country's cells refusing plain sends now: the country, its overdraft, a block or a range. */
function underPressure(country: CountryStats): boolean {
  const { guard } = country;
  return [guard.budget, guard.overdraft, ...guard.worstBlocks, ...guard.worstRanges].some(
    (cell) => cell.underPressure,
  );
}

export function guardTable(stats: StatsSummary, countries: readonly CountryStats[]): HTMLTableElement {
  const table = document.createElement('table');
  table.dataset.table = 'guard';
  table.createCaption().textContent = `Guard mode ${stats.guardMode}; counters over ${stats.hours} h, cells over the guard's window now`;
  const head = table.createTHead().insertRow();
  for (const [label] of COLUMNS) {
    const cell = document.createElement('th');
    cell.scope = 'col';
    cell.textContent = label;
    head.append(cell);
  }
  const body = table.createTBody();
  for (const country of countries) {
    const row = body.insertRow();
    row.dataset.country = country.country;
    if (country.flagged || underPressure(country)) row.className = 'alert';
    for (const [label, text] of COLUMNS) {
      const cell = row.insertCell();
      cell.dataset.column = label;
      cell.textContent = text(country);
    }
  }
  return table;
}
