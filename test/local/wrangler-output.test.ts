import { describe, expect, it } from 'vitest';
import { createDevOutputFilter } from '../../local/wrangler-output.ts';

// What `npm run dev` keeps of wrangler's output, line by line, as wrangler 4 prints it.

const STARTUP = [
  '',
  ' \u26c5\ufe0f wrangler 4.164.0 (update available 4.168.0)',
  '\u2500'.repeat(47),
  '\x1b[33m\u25b2 \x1b[43;33m[\x1b[43;30mWARNING\x1b[43;33m]\x1b[0m \x1b[1mSomething the developer must fix:\x1b[0m',
  '',
  '    - a line of its body',
  '',
  '',
  '[custom build] Running: node scripts/build-pages.ts',
  '[custom build] build-pages: up to date in dist/pages',
  'Using secrets defined in .dev.vars',
  'Your Worker has access to the following bindings:',
  'Binding                     Resource                  Mode',
  'env.ASSETS                  Assets                    local',
  'env.APP_NAME ("OTP Edge")   Environment Variable      local',
  '',
  '\u2394 Starting local server...',
  '[wrangler:info] Ready on http://127.0.0.1:8787',
  '{"requestId":"a","method":"GET","route":"/health","status":200,"outcome":"ok","latencyMs":19,"storeRoundTrips":0}',
];

describe("npm run dev's filter of wrangler's output", () => {
  it('keeps a warning whole and drops the banner, build progress, secrets line, bindings table and probes', () => {
    const filter = createDevOutputFilter();
    const kept = STARTUP.filter((line) => filter.keep(line));
    expect(kept).toEqual([STARTUP[3], '', '    - a line of its body', '', '']);
  });

  it("once ready, passes the Worker's lines (a /health probe answered just before only for a moment)", () => {
    let now = 0;
    const filter = createDevOutputFilter(() => now);
    filter.ready();
    const probe = STARTUP.at(-1) ?? '';
    expect(filter.keep(probe)).toBe(false);
    const request = '{"requestId":"b","method":"POST","route":"/otp/request","status":200,"outcome":"sent"}';
    expect(filter.keep(request)).toBe(true);
    expect(filter.keep('[wrangler:info] POST /otp/request 200 OK (53ms)')).toBe(false);
    now = 5_000;
    expect(filter.keep(probe)).toBe(true);
    expect(filter.keep('')).toBe(true);
  });

  it('passes an error and a failing health check before ready: those need the developer', () => {
    const filter = createDevOutputFilter();
    const misconfigured =
      '{"requestId":"c","method":"GET","route":"/health","status":503,"outcome":"misconfigured"}';
    expect(filter.keep('\u2718 [ERROR] Running custom build `node scripts/build-pages.ts` failed.')).toBe(
      true,
    );
    expect(filter.keep(misconfigured)).toBe(true);
  });
});
