/**
 * The Worker's upload size: what `wrangler deploy --dry-run --minify` bundles, gzipped. Cloudflare
 * limits Workers by compressed size; the budget here is 150 KiB gzip.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

export interface BundleSize {
  /** Minified bytes of the JavaScript modules (source maps excluded). */
  minifiedBytes: number;
  /** The same, gzip level 9. */
  gzipBytes: number;
  /** What wrangler itself prints ("Total Upload: … / gzip: … KiB"), when it does. */
  wranglerSays: string | undefined;
}

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function measureBundle(): Promise<BundleSize> {
  const outdir = mkdtempSync(path.join(tmpdir(), 'otp-edge-bundle-'));
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [
        path.join(REPO_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js'),
        'deploy',
        '--dry-run',
        '--outdir',
        outdir,
        '--minify',
      ],
      { cwd: REPO_ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' } },
    );
    let minifiedBytes = 0;
    let gzipBytes = 0;
    for (const file of readdirSync(outdir)) {
      if (!/\.m?js$/.test(file)) continue;
      const content = readFileSync(path.join(outdir, file));
      minifiedBytes += content.length;
      gzipBytes += gzipSync(content, { level: 9 }).length;
    }
    const wranglerSays = /Total Upload: ([^\n]+)/.exec(`${stdout}\n${stderr}`)?.[1]?.trim();
    return { minifiedBytes, gzipBytes, wranglerSays };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
