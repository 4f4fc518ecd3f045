// Runs before `npm run dev` and `npm test`, on whatever Node the developer has: plain JavaScript
// that any Node parses, so an old one gets a sentence instead of ERR_UNKNOWN_FILE_EXTENSION.
// The minimum is package.json's `engines.node`: the project runs its .ts files directly
// (type stripping without a flag, Node 22.18+) and uses `import.meta.main` (22.18+); wrangler 4
// alone would accept 22.12.
import { readFileSync } from 'node:fs';

const { engines } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const minimum = /(\d+)\.(\d+)/.exec(engines.node);
const [needMajor, needMinor] = [Number(minimum[1]), Number(minimum[2])];
const [major, minor] = process.versions.node.split('.').map(Number);

if (major < needMajor || (major === needMajor && minor < needMinor)) {
  console.error(
    [
      `otp-edge needs Node.js ${needMajor}.${needMinor} or newer; this is ${process.version} (${process.execPath}).`,
      'Get Node 22 from the npm registry, without touching the system Node:',
      '  npm install --prefix ~/.cache/node22 node@22',
      '  export PATH=~/.cache/node22/node_modules/.bin:$PATH',
      'or use your version manager (nvm install 22, fnm install 22, brew install node@22), then run the command again.',
    ].join('\n'),
  );
  process.exit(1);
}
