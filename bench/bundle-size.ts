/**
 * The Worker's upload size, measured as `npm run build:check` measures it (its `uploadedModules`):
 * what `wrangler deploy --dry-run` bundles (the top level, production, sets `minify = true`),
 * gzipped at zlib's default level as wrangler reports it. Budget: scripts/build-check.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GZIP_BUDGET_KIB, uploadedModules } from '../scripts/build-check.ts';

export interface BundleSize {
  /** Bytes of the JavaScript modules as uploaded (minified; source maps excluded). */
  minifiedBytes: number;
  gzipBytes: number;
  budgetKiB: number;
  /** What wrangler itself prints ("Total Upload: … / gzip: … KiB"), when it does. */
  wranglerSays: string | undefined;
}

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function measureBundle(): Promise<BundleSize> {
  const outdir = mkdtempSync(path.join(tmpdir(), 'otp-edge-bundle-'));
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        path.join(REPO_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js'),
        'deploy',
        '--dry-run',
        '--outdir',
        outdir,
        '--env=',
      ],
      { cwd: REPO_ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' } },
    );
    const files = uploadedModules(outdir);
    return {
      minifiedBytes: files.reduce((sum, file) => sum + file.rawBytes, 0),
      gzipBytes: files.reduce((sum, file) => sum + file.gzipBytes, 0),
      budgetKiB: GZIP_BUDGET_KIB,
      wranglerSays: /Total Upload: ([^\n]+)/.exec(stdout)?.[1]?.trim(),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
