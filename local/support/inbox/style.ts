// The inbox page's style (page.ts), shared by both sandboxes; a sandbox appends rules for what
// only its items show. Light and dark, following the system.

export const INBOX_STYLE = `
:root { color-scheme: light dark; --bg: #f4f5f7; --card: #fff; --ink: #1d2330; --muted: #667085; --bubble: #e8f0fe; --call: #f3e8ff; --line: #d9dde3; }
@media (prefers-color-scheme: dark) { :root { --bg: #14171c; --card: #1d2128; --ink: #e6e8eb; --muted: #98a2b3; --bubble: #243247; --call: #33264a; --line: #2e343d; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--ink); }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: .5rem 1rem; padding: 1rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--card); }
h1 { margin: 0; font-size: 1.3rem; }
h2 { font-size: 1rem; color: var(--muted); margin: 1.5rem 0 .5rem; }
.meta { color: var(--muted); }
#live::before { content: "● "; color: #12b76a; }
#live.offline::before { color: #f04438; }
.actions { margin-left: auto; display: flex; gap: .5rem; }
#clear, #reset-limits { font: inherit; padding: .3rem .8rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--ink); cursor: pointer; }
main { max-width: 52rem; margin: 1.5rem auto; padding: 0 1rem; }
.empty { text-align: center; color: var(--muted); font-size: 1.1rem; padding: 4rem 1rem; border: 2px dashed var(--line); border-radius: 12px; }
.items { list-style: none; margin: 0; padding: 0; display: grid; gap: 1rem; }
.item { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 1rem 1.25rem; }
.item.arrived { animation: arrive 1.5s ease-out; }
@keyframes arrive { from { box-shadow: 0 0 0 4px #fdb022; } to { box-shadow: 0 0 0 0 transparent; } }
.head { display: flex; flex-wrap: wrap; align-items: baseline; gap: .25rem 1rem; }
.to { font-size: 1.15rem; }
.from, time, .details { color: var(--muted); }
time { margin-left: auto; font-variant-numeric: tabular-nums; }
.status { font-size: .8rem; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; padding: .1rem .5rem; border-radius: 999px; color: #fff; background: #667085; }
.status-sent, .status-ringing, .status-in-progress { background: #2e90fa; }
.status-delivered, .status-read, .status-completed { background: #12b76a; }
.status-failed { background: #f04438; } .status-undelivered, .status-busy, .status-no-answer { background: #f79009; }
.bubble { margin: .75rem 0; padding: 1rem 1.25rem; border-radius: 16px 16px 16px 4px; background: var(--bubble); font: 1.35rem/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
.bubble.call { background: var(--call); font-family: system-ui, sans-serif; font-size: 1.1rem; }
.bubble.call.failed { color: #f04438; }
.code { background: #fdb022; color: #1d2330; font-weight: 700; font-size: 1.25em; letter-spacing: .12em; padding: 0 .2em; border-radius: 4px; }
.details { font-size: .8rem; overflow-wrap: anywhere; }
footer { max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: var(--muted); font-size: .85rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
`;
