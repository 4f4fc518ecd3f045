import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.ts';

const WRANGLER_BIN = path.resolve('node_modules/wrangler/bin/wrangler.js');

/**
 * Builds a wrangler.toml environment as `wrangler deploy` would (dry run: nothing is uploaded) and
 * returns the settings it would deploy, as wrangler lists them.
 */
function dryRunDeploy(environment: string): { vars: Map<string, string>; modules: string[]; said: string } {
  const outdir = mkdtempSync(path.join(tmpdir(), 'otp-edge-deploy-'));
  try {
    const build = spawnSync(
      process.execPath,
      [WRANGLER_BIN, 'deploy', '--dry-run', '--outdir', outdir, `--env=${environment}`],
      { encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' } },
    );
    expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);
    const vars = new Map(
      [...build.stdout.matchAll(/^env\.([A-Z0-9_]+) \("(.*)"\)\s+Environment Variable/gm)].map((match) => [
        match[1] ?? '',
        match[2] ?? '',
      ]),
    );
    return {
      vars,
      modules: readdirSync(outdir).filter((name) => name.endsWith('.js')),
      said: `${build.stdout}\n${build.stderr}`,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** What the Worker would take ENVIRONMENT to be: the deployed value, else the schema's default. */
function effectiveEnvironment(vars: Map<string, string>): unknown {
  const shape = configSchema._zod.def.shape;
  const parsed = shape.ENVIRONMENT.safeParse(vars.get('ENVIRONMENT'));
  return parsed.success ? parsed.data : `invalid: ${vars.get('ENVIRONMENT')}`;
}

describe('a plain `wrangler deploy` ships production settings', () => {
  it('the top level of wrangler.toml builds as production: no demo page, an explicit country list', () => {
    const { vars, modules } = dryRunDeploy('');
    expect(modules).toContain('index.js');
    expect(effectiveEnvironment(vars)).toBe('production');
    expect(vars.get('DEMO_PAGE')).toBe('off');
    expect(vars.get('ALLOWED_COUNTRIES')).toMatch(/^[A-Z]{2}(,[A-Z]{2})*$/);
  });

  it('an unset ENVIRONMENT means production too, so a config that forgets it is not development', () => {
    expect(effectiveEnvironment(new Map())).toBe('production');
  });

  it('the check above can fail: the explicit dev environment builds as development', () => {
    expect(effectiveEnvironment(dryRunDeploy('dev').vars)).toBe('development');
  });
});

describe('building as npm run deploy and npm run dev do prints no warning to ignore', () => {
  // `--env=""` names the top level (what `npm run deploy` and `npm run build:check` pass): without
  // it wrangler warns that several environments exist. [env.dev] lists every top-level var, so
  // wrangler has none to warn about (vars are not inherited, and it says so for each one missing).
  it.each(['', 'dev'])('--env=%j', (environment) => {
    expect(dryRunDeploy(environment).said).not.toMatch(/WARNING/);
  });
});
