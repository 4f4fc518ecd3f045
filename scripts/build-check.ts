/**
 * `npm run build:check`: builds the Worker exactly as `npm run deploy` does (`wrangler deploy
 * --dry-run`: the top level of wrangler.toml is production; nothing is uploaded) and fails when the upload is over the gzip budget.
 *
 *   node scripts/build-check.ts [--env staging]
 *
 * Why a budget well under Cloudflare's limits (3 MiB free, 10 MiB paid, after gzip): the script is
 * parsed on every cold start, at every edge location, so its size is latency users feel. Zod's
 * classic API alone would cost ~92 KB gzip, which is why the Worker uses `zod/mini`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

// 140 KiB gzip. History: 132.6 → 136.3 (the fraud guard's ways through, the newcomer fixes) → 147.6
// with apps, event webhooks, Twilio, routing and regional stores → 129.3 once the Worker's store
// calls went through its own small REST clients (script-client.ts, pipeline-client.ts) instead of
// @upstash/redis, jose left for Web Crypto, and docs-only response schemas left the bundle.
export const GZIP_BUDGET_KIB = 140;

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const WRANGLER_BIN = path.join(REPO_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');

export interface BundleFile {
  name: string;
  rawBytes: number;
  gzipBytes: number;
}

/** Every module wrangler would upload (source maps and its README are not code). Also used by bench/. */
export function uploadedModules(outdir: string): BundleFile[] {
  return readdirSync(outdir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.map') && entry.name !== 'README.md')
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      const content = readFileSync(file);
      return {
        name: path.relative(outdir, file),
        rawBytes: content.length,
        // zlib's default level, as wrangler measures (and reports) the upload.
        gzipBytes: gzipSync(content).length,
      };
    });
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function main(): number {
  const envIndex = process.argv.indexOf('--env');
  // Without --env: the top level, which is production.
  const environment = envIndex === -1 ? undefined : process.argv[envIndex + 1];
  if (envIndex !== -1 && !environment) {
    console.error('usage: node scripts/build-check.ts [--env <wrangler environment>]');
    return 2;
  }
  const outdir = mkdtempSync(path.join(tmpdir(), 'otp-edge-build-'));
  try {
    const build = spawnSync(
      process.execPath,
      [WRANGLER_BIN, 'deploy', '--dry-run', '--outdir', outdir, `--env=${environment ?? ''}`],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
      },
    );
    if (build.status !== 0) {
      console.error(`build:check: wrangler deploy --dry-run failed (exit ${build.status})`);
      console.error(`${build.stdout}\n${build.stderr}`.trim());
      return 1;
    }
    const files = uploadedModules(outdir);
    if (files.length === 0) {
      console.error(`build:check: wrangler wrote no modules to ${outdir}`);
      return 1;
    }
    const raw = files.reduce((sum, file) => sum + file.rawBytes, 0);
    const gzip = files.reduce((sum, file) => sum + file.gzipBytes, 0);
    const wranglerSays = /Total Upload: .*/.exec(build.stdout)?.[0];

    console.log(
      `Worker bundle, as \`wrangler deploy${environment ? ` -e ${environment}` : ''}\` would upload it:`,
    );
    for (const file of files) {
      console.log(
        `  ${file.name.padEnd(24)} ${kib(file.rawBytes).padStart(12)} raw ${kib(file.gzipBytes).padStart(12)} gzip`,
      );
    }
    if (files.length > 1)
      console.log(`  ${'total'.padEnd(24)} ${kib(raw).padStart(12)} raw ${kib(gzip).padStart(12)} gzip`);
    if (wranglerSays) console.log(`  (wrangler: ${wranglerSays})`);

    const budget = GZIP_BUDGET_KIB * 1024;
    if (gzip > budget) {
      console.error(
        `build:check: OVER BUDGET: ${kib(gzip)} gzip > ${GZIP_BUDGET_KIB} KiB (by ${kib(gzip - budget)})`,
      );
      return 1;
    }
    console.log(
      `build:check: OK, ${kib(gzip)} gzip of a ${GZIP_BUDGET_KIB} KiB budget (${kib(budget - gzip)} to spare)`,
    );
    return 0;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

if (import.meta.main) process.exitCode = main();
