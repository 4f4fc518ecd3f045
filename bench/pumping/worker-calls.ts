/**
 * The simulated callers' requests to the Worker, as each kind of caller makes them, and how the
 * harness reads the answers: the status, a refusal's code and scope, Retry-After, and whether the
 * Worker asked for a Turnstile challenge. All traffic goes to the local Worker (127.0.0.1).
 */
import { solvedToken } from '../../local/stand-ins/turnstile-tokens.ts';
import type { CallerKind } from './scenarios.ts';

export interface WorkerTarget {
  workerUrl: string;
  /** A key from the Worker's API_KEYS, for backend callers. */
  apiKey: string;
}

/**
 * How the Worker asked for a token: `challenge_required` (pressure mode: only when the guard would
 * refuse), or `captcha_failed` for a missing token (`TURNSTILE_MODE=always`, today's behaviour:
 * every browser request needs one).
 */
export type ChallengeAsk = 'challenge_required' | 'captcha_failed';

/** An answer as the harness saw it. */
export interface Answer {
  status: number;
  /** `rate_limited:country`, `challenge_required`, `network: …` …; undefined for a 2xx. */
  refusal: string | undefined;
  /** From a 200 of POST /otp/request: what the user's verify takes. */
  verificationId?: string | undefined;
  /** Retry-After of a refusal, s. */
  retryAfterSeconds?: number | undefined;
  /** Set when the answer asks for a Turnstile challenge the caller could solve. */
  ask?: ChallengeAsk | undefined;
}

/** A request made with or without a challenge along the way. */
export interface ChallengedRequest {
  /** The last answer: the retry's when there was one. */
  answer: Answer;
  /** Whether, and how, the first answer asked for a challenge. */
  asked: ChallengeAsk | undefined;
  /** Whether the caller solved it and sent the request again. */
  solved: boolean;
}

export type CallWorker = (path: string, body: Record<string, unknown>) => Promise<Answer>;

/**
 * One caller's way of calling: a backend sends its API key and names the end user in
 * X-End-User-IP; a browser sends nothing but its own address as CF-Connecting-IP, which is what
 * Cloudflare sets in production and what `wrangler dev` passes through (checked: the per-network
 * limit keys on it).
 */
export function workerCaller(
  target: WorkerTarget,
  caller: CallerKind,
  ip: string,
  timeoutMs: () => number,
): CallWorker {
  const identity: Record<string, string> =
    caller === 'browser'
      ? { 'cf-connecting-ip': ip }
      : { authorization: `Bearer ${target.apiKey}`, 'x-end-user-ip': ip };
  return (path, body) => postJson(`${target.workerUrl}${path}`, identity, body, timeoutMs());
}

/**
 * POST /otp/request as the caller makes it (`trustedUser` for a vouching backend); if the Worker
 * asks for a challenge and the caller solves challenges, the same body again with a freshly
 * solved token, once. The token is the local stand-in's, solved on the Worker's own host for the
 * Worker's expected action (`otp-request`), unique per call since siteverify redeems each once.
 */
export async function requestCode(
  call: CallWorker,
  options: { phone: string; caller: CallerKind; solvesChallenges: boolean; turnstileHostname: string },
): Promise<ChallengedRequest> {
  const body: Record<string, unknown> = { phone: options.phone };
  if (options.caller === 'trusted-backend') body.trustedUser = true;
  const first = await call('/otp/request', body);
  if (first.ask === undefined || !options.solvesChallenges)
    return { answer: first, asked: first.ask, solved: false };
  const token = solvedToken({ hostname: options.turnstileHostname, action: 'otp-request' });
  const retry = await call('/otp/request', { ...body, turnstileToken: token });
  return { answer: retry, asked: first.ask, solved: true };
}

interface ErrorBody {
  code?: string;
  scope?: string;
  reasons?: unknown;
  challenge?: { type?: unknown; siteKey?: unknown };
}

async function postJson(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  timeoutMs: number,
): Promise<Answer> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      // Whole milliseconds only: a fraction is a RangeError, not a timeout.
      signal: AbortSignal.timeout(Math.max(1, Math.floor(timeoutMs))),
    });
    return await readAnswer(response);
  } catch (error) {
    return { status: 0, refusal: `network: ${error instanceof Error ? error.name : String(error)}` };
  }
}

/** What the harness takes from one of the Worker's answers. */
export async function readAnswer(response: Response): Promise<Answer> {
  const answer = (await response.json()) as {
    status?: string;
    verificationId?: string;
    error?: ErrorBody | string;
    challenge?: ErrorBody['challenge'];
    scope?: string;
  };
  if (response.ok) {
    const approvedOrPending = answer.status === 'approved' || answer.status === 'pending';
    return {
      status: response.status,
      refusal: approvedOrPending ? undefined : `unexpected 2xx ${answer.status}`,
      verificationId: answer.verificationId,
    };
  }
  // `{"error": {"code": …, …}}` is this API's shape; a bare `"error": "code"` with the details
  // beside it is read the same way.
  const error: ErrorBody =
    typeof answer.error === 'string'
      ? { code: answer.error, scope: answer.scope, challenge: answer.challenge }
      : (answer.error ?? {});
  const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
  return {
    status: response.status,
    retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined,
    ...askOf(response.status, error.code ?? 'no_error_body', error),
  };
}

/** The refusal's label, and whether it asks for a challenge the caller could solve. */
function askOf(status: number, code: string, error: ErrorBody): Pick<Answer, 'ask' | 'refusal'> {
  const refusal = error.scope ? `${code}:${error.scope}` : code;
  if (status !== 403) return { refusal };
  if (code === 'challenge_required') {
    const { challenge } = error;
    // A page can only show the widget it is told about.
    if (challenge?.type === 'turnstile' && typeof challenge.siteKey === 'string' && challenge.siteKey !== '')
      return { refusal, ask: 'challenge_required' };
    return { refusal: 'challenge_required (no turnstile siteKey)' };
  }
  const reasons = Array.isArray(error.reasons) ? error.reasons : [];
  if (code === 'captcha_failed' && reasons.includes('missing-input-response'))
    return { refusal: 'captcha_failed:missing-input-response', ask: 'captcha_failed' };
  return { refusal };
}
