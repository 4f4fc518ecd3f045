import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { generateOtpSecret, generateReceiptKey } from '../scripts/keygen.ts';

/**
 * The local REST server's token for this checkout: random, kept in `.dev.vars` (never committed),
 * so nothing else on the machine can guess it the way it could guess a fixed one.
 */
export const LOCAL_REST_TOKEN_KEY = 'LOCAL_REDIS_REST_TOKEN';

/** 32 random bytes, base64url. */
export function generateRestToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
}

/** A first `.dev.vars` for local development: fresh secrets, never committed. */
export async function generateDevVars(): Promise<string> {
  const key = await generateReceiptKey();
  return [
    '# Local secrets for `npm run dev` (generated; see .dev.vars.example for every setting).',
    `OTP_SECRET=${generateOtpSecret()}`,
    `RECEIPT_SIGNING_KEY='${JSON.stringify(key.privateJwk)}'`,
    `${LOCAL_REST_TOKEN_KEY}=${generateRestToken()}`,
    '',
  ].join('\n');
}

export type DevVarsChange = 'created' | 'token-added' | 'unchanged';

/**
 * Creates `.dev.vars` when it is missing, adds the REST token to one written before the token
 * existed, and returns its settings.
 */
export async function ensureDevVars(
  path: string,
): Promise<{ values: Record<string, string>; change: DevVarsChange }> {
  if (!existsSync(path)) {
    writeFileSync(path, await generateDevVars(), { mode: 0o600 });
    return { values: parseEnvFile(readFileSync(path, 'utf8')), change: 'created' };
  }
  const text = readFileSync(path, 'utf8');
  if (parseEnvFile(text)[LOCAL_REST_TOKEN_KEY]) return { values: parseEnvFile(text), change: 'unchanged' };
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  const line = `# The local Redis REST server's token for this checkout (added by npm run dev).\n${LOCAL_REST_TOKEN_KEY}=${generateRestToken()}\n`;
  writeFileSync(path, `${text}${separator}${line}`, { mode: 0o600 });
  return { values: parseEnvFile(readFileSync(path, 'utf8')), change: 'token-added' };
}

export function readDevVars(path: string): Record<string, string> {
  return existsSync(path) ? parseEnvFile(readFileSync(path, 'utf8')) : {};
}

function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = line.match(/^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/);
    if (!match?.[1]) continue;
    values[match[1]] = (match[2] ?? '').replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');
  }
  return values;
}

/**
 * A `"string"` setting of wrangler.toml's [env.dev.vars] (what `npm run dev` runs), read as text:
 * importing wrangler to parse it would add seconds to every start.
 */
export function devEnvironmentVar(name: string): string | undefined {
  const toml = readFileSync(new URL('../wrangler.toml', import.meta.url), 'utf8');
  const table = /^\[env\.dev\.vars\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(toml)?.[1] ?? '';
  return new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, 'm').exec(table)?.[1];
}
