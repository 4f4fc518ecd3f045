/** The demo page's stylesheet, inlined (with the page's nonce) so the page needs no other request. */
export const DEMO_STYLE = `
:root {
  color-scheme: light dark;
  --bg: #f4f6fb; --card: #ffffff; --text: #111827; --muted: #6b7280; --line: #d9dee8;
  --accent: #2557d6; --accent-text: #ffffff; --focus: #93b4ff;
  --error-bg: #fdecec; --error-text: #9b1c1c; --info-bg: #eaf1ff; --info-text: #1e3a8a;
  --ok-bg: #e8f7ee; --ok-text: #14532d;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1420; --card: #171e2e; --text: #e5e9f2; --muted: #98a2b6; --line: #2c364a;
    --accent: #5b8cff; --accent-text: #0b1020; --focus: #3b5fb8;
    --error-bg: #3a1d22; --error-text: #ffb4b4; --info-bg: #1b2a4a; --info-text: #c7d7ff;
    --ok-bg: #16321f; --ok-text: #b4f0c6;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; min-height: 100vh; display: grid; place-items: start center;
  background: var(--bg); color: var(--text);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main {
  width: min(440px, calc(100vw - 32px)); margin: 56px 0 32px; padding: 32px;
  background: var(--card); border: 1px solid var(--line); border-radius: 16px;
  box-shadow: 0 10px 30px rgb(15 23 42 / 8%);
}
h1 { margin: 0; font-size: 1.45rem; letter-spacing: -0.01em; }
h2 { margin: 0 0 12px; font-size: 1.15rem; }
.lead { margin: 4px 0 24px; color: var(--muted); }
label { display: block; margin-bottom: 6px; font-weight: 600; font-size: 0.95rem; }
.hint { margin: 6px 0 0; color: var(--muted); font-size: 0.85rem; }
input {
  width: 100%; padding: 12px 14px; font: inherit; font-size: 1.1rem; color: inherit;
  background: transparent; border: 1px solid var(--line); border-radius: 10px;
}
input:focus { outline: 3px solid var(--focus); outline-offset: 1px; border-color: var(--accent); }
#code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 1.5rem; letter-spacing: 0.4em; text-align: center; }
button {
  font: inherit; font-weight: 600; border-radius: 10px; padding: 12px 16px; cursor: pointer;
  border: 1px solid transparent;
}
button:disabled { cursor: default; opacity: 0.6; }
.primary { width: 100%; margin-top: 16px; background: var(--accent); color: var(--accent-text); }
.secondary { background: transparent; color: var(--accent); border-color: var(--line); }
.link { padding: 0; background: none; color: var(--accent); font-weight: 500; text-decoration: underline; }
.row { display: flex; gap: 8px; justify-content: space-between; align-items: center; margin-top: 12px; }
.sent-to { margin: 0 0 16px; }
#turnstile { margin-top: 16px; min-height: 0; }
#message { margin: 20px 0 0; padding: 12px 14px; border-radius: 10px; }
#message[data-tone="error"] { background: var(--error-bg); color: var(--error-text); }
#message[data-tone="info"] { background: var(--info-bg); color: var(--info-text); }
#message[data-tone="ok"] { background: var(--ok-bg); color: var(--ok-text); }
.approved-badge { display: inline-flex; align-items: center; gap: 8px; margin-bottom: 12px; padding: 6px 12px; border-radius: 999px; background: var(--ok-bg); color: var(--ok-text); font-weight: 700; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 8px 16px; margin: 0 0 16px; }
dt { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
details { margin: 0 0 16px; }
summary { cursor: pointer; color: var(--muted); }
details code { display: block; margin-top: 8px; padding: 10px; border-radius: 8px; background: var(--bg); font-size: 0.8rem; overflow-wrap: anywhere; }
footer { margin-top: 24px; color: var(--muted); font-size: 0.85rem; }
footer a { color: inherit; }
[hidden] { display: none !important; }
`;
