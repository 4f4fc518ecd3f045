// Runs before `npm run dev` and `npm test`, on whatever Node the developer has: plain JavaScript
// that any Node parses, so an old one gets a sentence instead of ERR_UNKNOWN_FILE_EXTENSION.
// The minimum is package.json's `engines.node`, 22.19.0: the highest `engines.node` floor in
// package-lock.json (undici, @scalar/json-magic, @scalar/openapi-to-markdown and
// @scalar/workspace-store ask for >=22.19.0; test/local/node-minimum.test.ts recomputes it from the
// lockfile). Our own code needs 22.18 (its .ts files run by type stripping without a flag, and
// `import.meta.main`); wrangler 4 alone would accept 22.12.
import { readFileSync } from 'node:fs';

const { engines } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const need = /(\d+)\.(\d+)(?:\.(\d+))?/
  .exec(engines.node)
  .slice(1)
  .map((part) => Number(part ?? 0));
const have = process.versions.node.split('.').map(Number);
const older = need[0] - have[0] || need[1] - have[1] || need[2] - have[2];

if (older > 0) {
  console.error(
    [
      `otp-edge needs Node.js ${need.join('.')} or newer; this is ${process.version} (${process.execPath}).`,
      'Get Node 22 from the npm registry, without touching the system Node:',
      '  npm install --prefix ~/.cache/node22 node@22',
      '  export PATH=~/.cache/node22/node_modules/.bin:$PATH',
      'or use your version manager (nvm install 22, fnm install 22, brew install node@22), then run the command again.',
    ].join('\n'),
  );
  process.exit(1);
}
