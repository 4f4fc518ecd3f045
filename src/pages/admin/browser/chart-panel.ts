/**
 * Draws one chart with uPlot (the global its prebuilt file defines, loaded before this script)
 * and, under it, a table of the very numbers plotted: readable by screen readers, and what the
 * browser test compares with /admin/stats.
 */
import type uPlot from 'uplot';
import type { ChartData } from './chart-series.ts';

declare global {
  interface Window {
    uPlot?: typeof uPlot;
  }
}

/** Distinguishable on white and for the common colour blindnesses (Okabe-Ito). */
const COLOURS = ['#0072B2', '#009E73', '#D55E00', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

const charts = new Map<HTMLElement, uPlot>();

function hourLabel(epochSeconds: number): string {
  return `${new Date(epochSeconds * 1000).toISOString().slice(0, 13).replace('T', ' ')}:00 UTC`;
}

function cellText(value: number | null, axis: 'count' | 'rate'): string {
  if (value === null) return '–';
  return axis === 'rate' ? `${Math.round(value * 1000) / 10} %` : String(value);
}

function dataTable(name: string, data: ChartData): HTMLTableElement {
  const table = document.createElement('table');
  table.dataset.chart = name;
  const caption = table.createCaption();
  caption.textContent = 'The numbers plotted, per hour (UTC)';
  const head = table.createTHead().insertRow();
  for (const label of ['hour', ...data.series.map((series) => series.label)]) {
    const cell = document.createElement('th');
    cell.scope = 'col';
    cell.textContent = label;
    head.append(cell);
  }
  const body = table.createTBody();
  data.hours.forEach((hour, index) => {
    const row = body.insertRow();
    row.dataset.hour = new Date(hour * 1000).toISOString();
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = hourLabel(hour);
    row.append(th);
    for (const series of data.series) {
      const cell = row.insertCell();
      const value = series.values[index] ?? null;
      cell.dataset.series = series.label;
      cell.dataset.value = value === null ? '' : String(value);
      cell.textContent = cellText(value, series.axis);
    }
  });
  return table;
}

/** Replaces what `panel` shows with this chart and its table, or with `emptyText` when nothing to plot. */
export function showChart(panel: HTMLElement, name: string, data: ChartData, emptyText: string): void {
  charts.get(panel)?.destroy();
  charts.delete(panel);
  for (const old of panel.querySelectorAll('.chart, .chart-table, .chart-empty')) old.remove();
  if (data.series.length === 0) {
    const empty = document.createElement('p');
    empty.className = 'chart-empty';
    empty.textContent = emptyText;
    panel.append(empty);
    return;
  }
  const plot = document.createElement('div');
  plot.className = 'chart';
  plot.setAttribute('role', 'img');
  plot.setAttribute('aria-label', `${name} chart; the table below lists its numbers`);
  const details = document.createElement('details');
  details.className = 'chart-table';
  const summary = document.createElement('summary');
  summary.textContent = 'Table';
  details.append(summary, dataTable(name, data));
  panel.append(plot, details);
  const UPlot = window.uPlot;
  if (!UPlot) {
    plot.textContent = 'The chart library did not load; the table lists the numbers.';
    details.open = true;
    return;
  }
  const hasRate = data.series.some((series) => series.axis === 'rate');
  const chart = new UPlot(
    {
      width: Math.max(320, panel.clientWidth - 16),
      height: 220,
      // The axis in UTC, like the hours of /admin/stats and the table: not the browser's zone.
      tzDate: (epochSeconds) => UPlot.tzDate(new Date(epochSeconds * 1000), 'Etc/UTC'),
      series: [
        { value: (_chart, epoch) => (epoch == null ? '' : hourLabel(epoch)) },
        ...data.series.map((series, index) => ({
          label: series.label,
          stroke: COLOURS[index % COLOURS.length],
          width: series.axis === 'rate' ? 2 : 1.5,
          dash: series.axis === 'rate' ? [6, 4] : undefined,
          scale: series.axis === 'rate' ? 'rate' : 'count',
          value: (_chart: uPlot, value: number | null) => cellText(value, series.axis),
        })),
      ],
      scales: { x: { time: true }, count: { range: (_chart, _min, max) => [0, Math.max(1, max)] } },
      axes: [
        // Hours as UTC wall-clock times, 24-hour, as the table lists them.
        { values: (_chart, ticks) => ticks.map((tick) => new Date(tick * 1000).toISOString().slice(11, 16)) },
        { scale: 'count' },
        ...(hasRate
          ? [
              {
                scale: 'rate',
                side: 1,
                grid: { show: false },
                values: (_chart: uPlot, ticks: number[]) =>
                  ticks.map((tick) => `${Math.round(tick * 100)} %`),
              },
            ]
          : []),
      ],
    },
    [data.hours, ...data.series.map((series) => series.values)],
    plot,
  );
  charts.set(panel, chart);
}
