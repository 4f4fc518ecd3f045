import type { DeliveryResult } from '../../otp/ports.ts';
import { maskPhoneNumbers } from '../../phone/mask-phone.ts';
import { refusedElsewhereMayTake } from './twilio-error-codes.ts';

/**
 * Where and as whom to call Twilio's REST API. HTTP Basic with an API key (SK… and its secret)
 * when one is set, else the Account SID and auth token; the path always names the account
 * (docs/twilio.md, "Requests").
 */
export interface TwilioAccount {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  apiKey: { sid: string; secret: string } | undefined;
  timeoutMs: number;
}

export type TwilioAnswer =
  | { kind: 'answered'; status: number; text: string }
  | { kind: 'unanswered'; reason: 'timeout' | 'network' };

/** `{base}/2010-04-01/Accounts/{AccountSid}/Messages.json` (or `Calls.json`): `.json` asks for JSON. */
export function twilioEndpoint(account: TwilioAccount, resource: 'Messages' | 'Calls'): string {
  return `${account.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(account.accountSid)}/${resource}.json`;
}

/**
 * One form-encoded POST (Twilio reads no JSON body), abandoned after the account's timeout.
 * Twilio has no idempotency key and says a retried POST after a 500 may send twice, so nothing
 * here retries: another provider on the route may, with the same code.
 */
export async function postToTwilio(
  account: TwilioAccount,
  url: string,
  params: Readonly<Record<string, string>>,
): Promise<TwilioAnswer> {
  const user = account.apiKey?.sid ?? account.accountSid;
  const password = account.apiKey?.secret ?? account.authToken;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${user}:${password}`)}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams(params).toString(),
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

/** Twilio's error body, `{code, message, more_info, status}`; undefined fields when not JSON. */
export function twilioError(text: string): { code: number | undefined; message: string } {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') {
      const code = 'code' in parsed && typeof parsed.code === 'number' ? parsed.code : undefined;
      const message = 'message' in parsed && typeof parsed.message === 'string' ? parsed.message : '';
      return { code, message };
    }
  } catch {
    // Not JSON (a proxy's page): its raw start, masked and capped below.
  }
  return { code: undefined, message: text };
}

/**
 * What a refusal means for the code: 429 (20429, "never processed") and 5xx go on along the
 * route, the 5xx kept as maybe sent; a 4xx is Twilio's definitive no, and its code says whether
 * another provider may take the same code (./twilio-error-codes.ts).
 */
export function refusalResult(status: number, code: number | undefined): DeliveryResult {
  if (status === 429) return { kind: 'uncertain', reason: 'throttled', status };
  if (status >= 500) return { kind: 'uncertain', reason: 'server_error', status };
  return { kind: 'rejected', status, retryElsewhere: refusedElsewhereMayTake(status, code) };
}

/** Twilio's refusal for the operator's log: its code and message, phone numbers masked, capped. */
export function refusalText(status: number, error: { code: number | undefined; message: string }): string {
  const code = error.code === undefined ? '' : ` ${error.code}`;
  // Masked first: a cap could cut a number short enough to escape the mask.
  return `${status}${code}: ${maskPhoneNumbers(error.message).slice(0, 200)}`;
}

/** The resource's `sid`, when it has the documented shape (`SM`/`MM` or `CA`, then 32 hex). */
export function resourceSid(text: string, shape: RegExp): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && 'sid' in parsed && typeof parsed.sid === 'string') {
      return shape.test(parsed.sid) ? parsed.sid : undefined;
    }
  } catch {
    // Accepted without a readable id: sent, just not trackable.
  }
  return undefined;
}
