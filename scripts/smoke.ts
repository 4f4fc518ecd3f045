/**
 * `npm run smoke -- <url>`: checks a deployed instance from the outside, the way a customer's
 * backend will use it, and prints a checklist. Exits 1 when a check fails, 2 on bad usage.
 *
 *   npm run smoke -- https://otp.example.com
 *
 * It never sends an SMS: the only POST carries a number that cannot exist (`+1 000`) and no
 * credentials, so every layer (API key, bot check, number parsing) refuses it before a send.
 */

export type CheckResult = { name: string; ok: boolean; detail: string };

const TIMEOUT_MS = 10_000;
/** Members of a private JWK (EC `d`; RSA and symmetric ones in case a wrong key type ever ships). */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function checkHealth(base: string, get: Fetch): Promise<CheckResult> {
  const name = 'GET /health answers 200 with a version';
  const response = await get(`${base}/health`);
  const body = await readJson(response);
  const version = isObject(body) && typeof body.version === 'string' ? body.version : undefined;
  if (response.status !== 200) {
    const code = isObject(body) && isObject(body.error) ? ` (${String(body.error.code)})` : '';
    return {
      name,
      ok: false,
      detail: `HTTP ${response.status}${code}; see the Worker's logs for what is misconfigured`,
    };
  }
  if (!isObject(body) || body.status !== 'ok' || version === undefined) {
    return { name, ok: false, detail: 'the body is not {"status":"ok","version":...}' };
  }
  return { name, ok: true, detail: `version ${version}` };
}

async function checkJwks(base: string, get: Fetch): Promise<CheckResult> {
  const name = 'GET /.well-known/jwks.json publishes public EC keys only';
  const response = await get(`${base}/.well-known/jwks.json`);
  const body = await readJson(response);
  if (response.status !== 200) return { name, ok: false, detail: `HTTP ${response.status}` };
  const keys = isObject(body) && Array.isArray(body.keys) ? body.keys.filter(isObject) : [];
  const leaking = keys.filter((key) => PRIVATE_JWK_MEMBERS.some((member) => member in key));
  if (leaking.length > 0) {
    return {
      name,
      ok: false,
      detail: `PRIVATE KEY MATERIAL PUBLISHED in ${leaking.length} key(s): rotate the signing key now`,
    };
  }
  const ecKeys = keys.filter(
    (key) => key.kty === 'EC' && typeof key.x === 'string' && typeof key.y === 'string',
  );
  if (ecKeys.length === 0) return { name, ok: false, detail: 'no EC public key in "keys"' };
  const kids = ecKeys.map((key) => String(key.kid ?? '(no kid)')).join(', ');
  return { name, ok: true, detail: `${ecKeys.length} EC key(s): ${kids}` };
}

async function checkOpenApi(base: string, get: Fetch): Promise<CheckResult> {
  const name = 'GET /openapi.json is an OpenAPI 3.1 document';
  const response = await get(`${base}/openapi.json`);
  const body = await readJson(response);
  if (response.status !== 200) return { name, ok: false, detail: `HTTP ${response.status}` };
  const version = isObject(body) && typeof body.openapi === 'string' ? body.openapi : undefined;
  if (!version?.startsWith('3.1')) return { name, ok: false, detail: `openapi is ${version ?? 'missing'}` };
  const paths = isObject(body) && isObject(body.paths) ? Object.keys(body.paths).length : 0;
  return { name, ok: true, detail: `OpenAPI ${version}, ${paths} paths` };
}

async function checkRefusesJunk(base: string, get: Fetch): Promise<CheckResult> {
  const name = 'POST /otp/request without credentials and with an impossible number is refused (4xx)';
  const response = await get(`${base}/otp/request`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone: '+1 000' }),
  });
  const body = await readJson(response);
  const code = isObject(body) && isObject(body.error) ? String(body.error.code) : 'no error code';
  if (response.status >= 400 && response.status < 500)
    return { name, ok: true, detail: `HTTP ${response.status} ${code}` };
  if (response.status >= 500)
    return { name, ok: false, detail: `HTTP ${response.status} ${code}: a server error, not a refusal` };
  return { name, ok: false, detail: `HTTP ${response.status}: accepted a request it must refuse` };
}

/** Not pass/fail: which optional pages this deployment shows to everyone. */
async function describePages(base: string, get: Fetch): Promise<string[]> {
  const notes: string[] = [];
  for (const [path, what, setting] of [
    ['/', 'demo page', 'DEMO_PAGE'],
    ['/docs', 'API reference', 'DOCS_PAGE'],
  ] as const) {
    const response = await get(`${base}${path}`);
    await response.body?.cancel();
    notes.push(`${what} (${path}): ${response.status === 200 ? 'ON' : 'off'}  [${setting}]`);
  }
  return notes;
}

export async function runSmokeChecks(baseUrl: string, fetcher: typeof fetch = fetch) {
  const base = baseUrl.replace(/\/+$/, '');
  const get: Fetch = (input, init = {}) =>
    fetcher(input, { ...init, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  const checks: CheckResult[] = [];
  for (const [name, check] of [
    ['health', checkHealth],
    ['jwks', checkJwks],
    ['openapi', checkOpenApi],
    ['refusal', checkRefusesJunk],
  ] as const) {
    try {
      checks.push(await check(base, get));
    } catch (error) {
      const reason =
        error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error);
      checks.push({ name: `${name}: request failed`, ok: false, detail: reason });
    }
  }
  const notes = await describePages(base, get).catch(() => [] as string[]);
  return { checks, notes, ok: checks.every((check) => check.ok) };
}

async function main(): Promise<number> {
  const target = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
  if (!target || !/^https?:\/\//.test(target)) {
    console.error('usage: npm run smoke -- <base URL of a deployment, e.g. https://otp.example.com>');
    return 2;
  }
  console.log(`Smoke test of ${target}`);
  const { checks, notes, ok } = await runSmokeChecks(target);
  for (const check of checks) console.log(`  ${check.ok ? '✓' : '✗'} ${check.name}: ${check.detail}`);
  for (const note of notes) console.log(`  · ${note}`);
  const failed = checks.filter((check) => !check.ok).length;
  console.log(ok ? `All ${checks.length} checks passed.` : `${failed} of ${checks.length} checks FAILED.`);
  return ok ? 0 : 1;
}

if (import.meta.main) process.exitCode = await main();
