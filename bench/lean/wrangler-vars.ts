/** What wrangler.toml says, read by wrangler itself (so the lean harness runs the same settings). */
import path from 'node:path';
import { unstable_readConfig } from 'wrangler';
import { REPO_ROOT } from './build-bundle.ts';

/** `[env.dev.vars]`: the settings `wrangler dev --env dev` gives the Worker, which the bench adds to. */
export function devVars(): Record<string, string> {
  const config = unstable_readConfig({ config: path.join(REPO_ROOT, 'wrangler.toml'), env: 'dev' });
  return Object.fromEntries(Object.entries(config.vars).map(([name, value]) => [name, String(value)]));
}

/** The production top level's compatibility date and flags: the bundle runs as deployed. */
export function compatibility(): { compatibilityDate: string; compatibilityFlags: string[] } {
  const config = unstable_readConfig({ config: path.join(REPO_ROOT, 'wrangler.toml') });
  if (!config.compatibility_date) throw new Error('wrangler.toml: no compatibility_date');
  return { compatibilityDate: config.compatibility_date, compatibilityFlags: config.compatibility_flags };
}
