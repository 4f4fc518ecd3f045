/**
 * Builds a Worker exactly as `wrangler deploy` would upload it (`wrangler deploy --dry-run --outdir`,
 * as scripts/build-check.ts does), so the lean harness runs the production bundle, minified, and
 * nothing `wrangler dev` adds (its middleware, its proxy).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface BuiltWorker {
  /** The bundle's entry module (ES module). */
  scriptPath: string;
  /** Its source, for mapping a profile's lines back to the modules esbuild wrote it from. */
  source(): string;
}

export interface BuildOptions {
  /** A wrangler config relative to the repository root; default wrangler.toml (production, minified). */
  config?: string;
  /**
   * Default: the config's own `minify` (true for wrangler.toml). false keeps esbuild's `// src/…`
   * module comments and the functions' names, for reading a CPU profile.
   */
  minify?: boolean;
  /** Another checkout of this repository to build (a `git worktree` of an older commit); default this one. */
  root?: string;
}

export async function buildWorkerBundle(options: BuildOptions = {}): Promise<BuiltWorker> {
  const outdir = mkdtempSync(path.join(tmpdir(), 'otp-edge-lean-'));
  await promisify(execFile)(
    process.execPath,
    [
      path.join(options.root ?? REPO_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js'),
      'deploy',
      '--dry-run',
      '--outdir',
      outdir,
      // The top level: production, as `npm run deploy` builds it.
      '--env=',
      ...(options.config === undefined ? [] : ['--config', options.config]),
      ...(options.minify === undefined ? [] : [`--minify=${options.minify}`]),
    ],
    {
      cwd: options.root ?? REPO_ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const scriptPath = path.join(outdir, 'index.js');
  return { scriptPath, source: () => readFileSync(scriptPath, 'utf8') };
}
