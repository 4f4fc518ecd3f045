/**
 * Builds what the HTML pages load into dist/pages/, the Worker's static assets (`[assets]` in
 * wrangler.toml): the demo page's and the docs page's scripts (TypeScript in src/<page>/browser/,
 * bundled for the browser) and styles, Scalar's standalone build copied from its npm package,
 * so /docs needs no CDN, uPlot's prebuilt files for /admin's charts, and the OpenAPI document the Worker serves as /openapi.json (generated here
 * from the routes' zod schemas, so the Worker bundle carries no JSON Schema generator). Generated,
 * never committed.
 *
 *   node scripts/build-pages.ts
 *
 * Runs as wrangler's `[build] command` (so `wrangler dev`, `npm run dev`, `npm run deploy` and
 * `npm run build:check` all build first) and from test/global-setup.ts for the workerd tests.
 * Several of those can run at once (the browser tests start one `wrangler dev` per file): each file
 * is written to a temporary name and renamed into place, and only when its content changed, so a
 * reader never sees half a file and a watching `wrangler dev` does not reload for nothing.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The `[assets] directory` of wrangler.toml and test/wrangler.test.toml. */
export const PAGES_ASSETS_DIR = path.join(REPO_ROOT, 'dist', 'pages');

/** Browser entry points → the asset each becomes (the URL path is the same, from the assets root). */
const SCRIPTS = {
  'src/pages/demo/browser/demo.ts': 'assets/demo.js',
  'src/pages/docs/browser/docs.ts': 'assets/docs.js',
  'src/pages/admin/browser/admin.ts': 'assets/admin.js',
} as const;
const STYLES = {
  'src/pages/demo/browser/demo.css': 'assets/demo.css',
  'src/pages/docs/browser/docs.css': 'assets/docs.css',
  'src/pages/admin/browser/admin.css': 'assets/admin.css',
} as const;
/**
 * uPlot's prebuilt files (the dashboard's charts), copied as they are from the pinned package:
 * static assets the dashboard loads, never part of the Worker bundle. The script defines the
 * global `uPlot` that src/pages/admin/browser/chart-panel.ts draws with.
 */
const UPLOT_FILES = {
  'dist/uPlot.iife.min.js': 'assets/uplot/uPlot.iife.min.js',
  'dist/uPlot.min.css': 'assets/uplot/uPlot.min.css',
  LICENSE: 'assets/uplot/LICENSE.txt',
} as const;
const SCALAR_STANDALONE = 'assets/scalar/standalone.js';
/** OPENAPI_ASSET_PATH of src/http/routes/openapi-document.ts, without its leading slash. */
const OPENAPI_DOCUMENT = 'assets/openapi.json';
// Imported by a computed name: the route modules behind it are Worker code, type-checked with the
// Worker's types (tsconfig.json), which this Node config does not load.
const OPENAPI_GENERATOR = new URL('../src/http/openapi-json.ts', import.meta.url).href;

function writeIfChanged(relativePath: string, content: Uint8Array | string): boolean {
  const target = path.join(PAGES_ASSETS_DIR, relativePath);
  const bytes = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content);
  try {
    if (readFileSync(target).equals(bytes)) return false;
  } catch {
    // Not there yet.
  }
  mkdirSync(path.dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, target);
  return true;
}

/** Scalar's self-contained browser build (no chunks to load), without its source map comment: the 20 MB map is not shipped. */
function scalarStandalone(): string {
  // The package exports no path to it; its main module sits in the same dist/.
  const main = createRequire(import.meta.url).resolve('@scalar/api-reference');
  const file = path.join(path.dirname(main), 'browser', 'standalone.js');
  return readFileSync(file, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
}

export async function buildPages(): Promise<string[]> {
  const bundled = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: Object.keys(SCRIPTS),
    bundle: true,
    format: 'iife',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    write: false,
    outdir: 'out',
    logLevel: 'warning',
  });
  const outputs: [string, Uint8Array | string][] = [];
  for (const [source, asset] of Object.entries(SCRIPTS)) {
    const name = `${path.basename(source, '.ts')}.js`;
    const file = bundled.outputFiles.find((output) => path.basename(output.path) === name);
    if (!file) throw new Error(`build-pages: esbuild produced no ${name}`);
    outputs.push([asset, file.contents]);
  }
  for (const [source, asset] of Object.entries(STYLES))
    outputs.push([asset, readFileSync(path.join(REPO_ROOT, source))]);
  outputs.push([SCALAR_STANDALONE, scalarStandalone()]);
  // The package exports only its modules; the prebuilt files sit beside its package.json.
  const uplotRoot = path.dirname(createRequire(import.meta.url).resolve('uplot/package.json'));
  for (const [source, asset] of Object.entries(UPLOT_FILES))
    outputs.push([asset, readFileSync(path.join(uplotRoot, source))]);
  const { openApiJson } = (await import(OPENAPI_GENERATOR)) as { openApiJson: () => string };
  outputs.push([OPENAPI_DOCUMENT, openApiJson()]);
  return outputs.filter(([asset, content]) => writeIfChanged(asset, content)).map(([asset]) => asset);
}

if (import.meta.main) {
  const written = await buildPages();
  console.log(
    `build-pages: ${written.length === 0 ? 'up to date' : `wrote ${written.join(', ')}`} in ${path.relative(process.cwd(), PAGES_ASSETS_DIR) || '.'}`,
  );
}
