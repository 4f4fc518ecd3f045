// How the tests talk to the Twilio sandbox: as a Twilio REST client does, with plain fetch, form
// bodies and HTTP Basic credentials (the Account SID and auth token, or an API key and secret).

export const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
export const AUTH_TOKEN = 'twilio-sandbox-test-token';
export const API_KEY = { sid: 'SKfedcba9876543210fedcba9876543210', secret: 'api-key-secret' };
export const SENDER = '+14155550100';
export const MESSAGING_SERVICE_SID = 'MG0123456789abcdef0123456789abcdef';

export function basicAuth(user: string = ACCOUNT_SID, password: string = AUTH_TOKEN): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export interface CreateOptions {
  authorization?: string | null;
  accountSid?: string;
  contentType?: string;
}

/** POSTs a form to Messages.json or Calls.json; a name may repeat by giving an array. */
export function create(
  base: string,
  resource: 'Messages' | 'Calls',
  fields: Record<string, string | string[] | undefined>,
  options: CreateOptions = {},
): Promise<Response> {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const each of Array.isArray(value) ? value : value === undefined ? [] : [value])
      form.append(name, each);
  }
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
  };
  const authorization = options.authorization === undefined ? basicAuth() : options.authorization;
  if (authorization !== null) headers.authorization = authorization;
  return fetch(`${base}/2010-04-01/Accounts/${options.accountSid ?? ACCOUNT_SID}/${resource}.json`, {
    method: 'POST',
    headers,
    body: form.toString(),
  });
}

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string | null;
  status: number;
}
