import type { DeliveryResult } from '../../otp/ports.ts';
import { maskPhoneNumbers } from '../../phone/mask-phone.ts';

/** Where and as whom to call Plivo's REST API (Basic auth: Auth ID and Auth Token). */
export interface PlivoAccount {
  baseUrl: string;
  authId: string;
  authToken: string;
  timeoutMs: number;
}

export type PlivoAnswer =
  | { kind: 'answered'; status: number; text: string }
  | { kind: 'unanswered'; reason: 'timeout' | 'network' };

/** `https://api.plivo.com/v1/Account/{auth_id}/{resource}/`. */
export function plivoEndpoint(account: PlivoAccount, resource: 'Message' | 'Call'): string {
  return `${account.baseUrl}/v1/Account/${encodeURIComponent(account.authId)}/${resource}/`;
}

/**
 * One JSON POST to Plivo, abandoned after the account's timeout. Plivo has no idempotency key, so
 * nothing here retries: a timeout does not tell whether the message went out or the call was placed.
 */
export async function postToPlivo(account: PlivoAccount, url: string, body: unknown): Promise<PlivoAnswer> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${account.authId}:${account.authToken}`)}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(account.timeoutMs),
    });
    return { kind: 'answered', status: response.status, text: await response.text().catch(() => '') };
  } catch (error) {
    return {
      kind: 'unanswered',
      reason: error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'network',
    };
  }
}

/**
 * Plivo's API answers a refusal with a sentence, not a code: these words say it refused the
 * destination (the account's geo permissions, a country or a number type it does not serve), which
 * another provider may well reach.
 */
const REFUSED_DESTINATION = /geo.?permission|not (?:allowed|supported|enabled)|unsupported|permission/i;

/**
 * What a refusal means for the code: 429 (Plivo's API rate limit) and 5xx may have gone through or
 * may go through later, so the code is kept and nothing is resent by Plivo; any other status is a
 * definitive no from Plivo. 401 and 403 refuse the account (credentials, a suspended account) and
 * a 400 naming the destination refuses the route: another provider may take the same code.
 */
export function refusalResult(status: number, text = ''): DeliveryResult {
  if (status === 429) return { kind: 'uncertain', reason: 'throttled', status: 429 };
  if (status >= 500) return { kind: 'uncertain', reason: 'server_error', status };
  const retryElsewhere =
    status === 401 || status === 403 || REFUSED_DESTINATION.test(providerErrorText(text));
  return { kind: 'rejected', status, retryElsewhere };
}

/**
 * Plivo's error text for the operator's log line: the `error` field of its JSON answer (else the raw
 * body), capped, with every phone number masked. Plivo's errors describe parameters, so they may
 * echo the `to` or `dst` they refused; they never hold a code (it is sent only inside the message
 * text or sealed in the answer URL, and neither comes back).
 */
export function providerErrorText(text: string): string {
  let error = text;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && 'error' in parsed)
      error = typeof parsed.error === 'string' ? parsed.error : JSON.stringify(parsed.error);
  } catch {
    // Not JSON (a proxy's page): its raw start, masked and capped like the rest.
  }
  // Masked first: a cap could cut a number short enough to escape the mask.
  return maskPhoneNumbers(error).slice(0, 200);
}
