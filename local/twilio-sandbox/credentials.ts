// Who may call the sandbox's REST API, Twilio's way: HTTP Basic with the Account SID and its auth
// token, or with an API key's SID (SK...) and secret
// (https://www.twilio.com/docs/usage/requests-to-twilio). An API key belongs to the account it was
// created in, and credentials open only their own account's resources: a request whose path names
// another AccountSid is refused like wrong credentials (20003 lists "Using subaccount credentials
// to access master account" among its causes: https://www.twilio.com/docs/api/errors/20003). The
// sandbox has one account and no subaccounts.

import { type BasicCredentials, parseBasicAuth, secretsEqual } from '../support/basic-auth.ts';

export interface ApiKey {
  /** SK followed by 32 hex digits. */
  sid: string;
  secret: string;
}

export interface Account {
  /** AC followed by 32 hex digits. */
  sid: string;
  authToken: string;
  apiKeys: readonly ApiKey[];
}

export type Authentication =
  | { ok: true; via: 'auth-token' | 'api-key' }
  | { ok: false; reason: 'no-credentials' | 'wrong-credentials' | 'other-account' };

export const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
export const API_KEY_SID = /^SK[0-9a-fA-F]{32}$/;

export function authenticate(
  account: Account,
  authorization: string | undefined,
  pathAccountSid: string,
): Authentication {
  const given = parseBasicAuth(authorization);
  if (given === null) return { ok: false, reason: 'no-credentials' };
  const via = principalOf(account, given);
  if (via === null) return { ok: false, reason: 'wrong-credentials' };
  // After the credentials: the path is not a secret, the credentials are.
  if (!secretsEqual(pathAccountSid, account.sid)) return { ok: false, reason: 'other-account' };
  return { ok: true, via };
}

// Every candidate is compared, so the time taken says nothing about which one (or which half) was close.
function principalOf(account: Account, given: BasicCredentials): 'auth-token' | 'api-key' | null {
  let via: 'auth-token' | 'api-key' | null = null;
  if (matches(given, account.sid, account.authToken)) via = 'auth-token';
  for (const key of account.apiKeys) if (matches(given, key.sid, key.secret) && via === null) via = 'api-key';
  return via;
}

function matches(given: BasicCredentials, user: string, password: string): boolean {
  const userMatches = secretsEqual(given.user, user);
  const passwordMatches = secretsEqual(given.password, password);
  return userMatches && passwordMatches;
}
