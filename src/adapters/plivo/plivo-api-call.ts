import type { DeliveryResult } from '../../otp/ports.ts';

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
 * What a refusal means for the code: 429 (Plivo's API rate limit) and 5xx may have gone through or
 * may go through later, so the code is kept and nothing is resent; any other status is a definitive
 * no, so the code must not stay valid.
 */
export function refusalResult(status: number): DeliveryResult {
  if (status === 429) return { kind: 'uncertain', reason: 'throttled', status: 429 };
  if (status >= 500) return { kind: 'uncertain', reason: 'server_error', status };
  return { kind: 'rejected', status };
}
