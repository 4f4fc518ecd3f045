/**
 * The dashboard's panels, built here rather than in the page's HTML, which the Worker bundle
 * carries: each a titled section the script fills.
 */
const PANELS = [
  { id: 'panel-totals', title: 'Over the window', body: 'dl', bodyId: 'admin-totals' },
  { id: 'chart-traffic', title: 'Codes per hour: sent, delivered, verified, conversion' },
  { id: 'chart-refusals', title: 'Refusals and challenges per hour, by scope' },
  { id: 'chart-channels', title: 'Channel mix and fallbacks per hour' },
  { id: 'chart-webhooks', title: 'Event webhook deliveries per hour' },
  {
    id: 'panel-guard',
    title: 'The guard now, per country: budgets and cells under pressure',
    body: 'div',
    bodyId: 'admin-guard',
  },
  {
    id: 'panel-routes',
    title: 'Providers and routes: conversion, failovers, breakers',
    body: 'div',
    bodyId: 'admin-routes',
  },
] as const;

export function buildPanels(main: HTMLElement): void {
  main.replaceChildren(
    ...PANELS.map((panel) => {
      const section = document.createElement('section');
      section.id = panel.id;
      section.setAttribute('aria-labelledby', `${panel.id}-title`);
      const heading = document.createElement('h2');
      heading.id = `${panel.id}-title`;
      heading.textContent = panel.title;
      section.append(heading);
      if ('body' in panel) {
        const body = document.createElement(panel.body);
        body.id = panel.bodyId;
        section.append(body);
      }
      return section;
    }),
  );
}
