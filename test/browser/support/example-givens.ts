/**
 * Preloaded (`node --import`) into a doc example that names `given=...` in its marker: the names a
 * reader's own app supplies (docs/testing.md, "Examples are tests"), as globals. Each function
 * among them must have been called by the time the program ends, or it exits 1: an example that
 * wandered off its happy path (a wrong argument answered with an error value, say) fails instead
 * of ending quietly.
 */
import { GIVEN_NAMES } from '../../support/doc-examples.ts';
import { codeInInbox } from './inbox-code.ts';

const sandboxUrl = process.env.EXAMPLE_SANDBOX_URL ?? '';
const called = new Set<string>();

/** The reader's app, as the examples use it; the declarations in doc-examples.test.ts match. */
const givens: Record<string, unknown> = {
  /** The end user's IP, as the reader's backend would pass it on. */
  endUserIp: '203.0.113.7',
  /** What the user typed: the code the sandbox received last. */
  askUserForCode: tracked('askUserForCode', () => codeInInbox(sandboxUrl)),
  /** The reader's backend, which takes the receipt (docs/api.md shows how it checks one). */
  yourBackend: {
    accept: tracked('yourBackend.accept', async (receipt: unknown) => {
      if (typeof receipt !== 'string' || receipt.split('.').length !== 3)
        throw new Error(`yourBackend.accept got no JWT: ${JSON.stringify(receipt)}`);
    }),
  },
};

if (Object.keys(givens).join() !== GIVEN_NAMES.join())
  throw new Error(`example-givens.ts provides ${Object.keys(givens)}, doc-examples.ts names ${GIVEN_NAMES}`);

const wanted = (process.env.EXAMPLE_GIVENS ?? '').split(',').filter(Boolean);
const mustCall: string[] = [];
for (const name of wanted) {
  if (!(name in givens))
    throw new Error(`doc example: unknown given "${name}" (known: ${Object.keys(givens)})`);
  Object.assign(globalThis, { [name]: givens[name] });
  if (name === 'askUserForCode') mustCall.push(name);
  if (name === 'yourBackend') mustCall.push('yourBackend.accept');
}

function tracked<Args extends unknown[], Result>(name: string, run: (...args: Args) => Promise<Result>) {
  return (...args: Args) => {
    called.add(name);
    return run(...args);
  };
}

process.on('exit', (code) => {
  const missed = mustCall.filter((name) => !called.has(name));
  if (code === 0 && missed.length > 0) {
    console.error(`doc example: ended without calling ${missed.join(', ')}`);
    process.exitCode = 1;
  }
});
