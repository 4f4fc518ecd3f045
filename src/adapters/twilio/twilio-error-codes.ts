/**
 * Twilio's API refusals that say "not through this account", not "not this message": another
 * provider may deliver the same code (docs/twilio.md, "Errors: what they mean for failover", each
 * checked against https://www.twilio.com/docs/api/errors/{code}). Anything else refused with 4xx
 * ends the route: 21211 / 21217 (not a valid number), 21610 (the recipient replied STOP: they
 * opted out, no provider should text them), 21614 (not a mobile number), 21602 / 21617 (our body).
 */
const ELSEWHERE_MAY_TAKE: ReadonlySet<number> = new Set([
  // The account: wrong or revoked credentials, another account in the path.
  20003,
  // The destination for this account: SMS and voice geo permissions.
  21408, 21215,
  // The route from this sender: the number is not reachable from it via SMS.
  21612,
  // The sender: not one of the account's, not SMS-capable, not verified, missing, no such service.
  21212, 21606, 21659, 21603, 21705, 21210, 21213,
]);

export function refusedElsewhereMayTake(status: number, code: number | undefined): boolean {
  if (status === 401 || status === 403) return true;
  return code !== undefined && ELSEWHERE_MAY_TAKE.has(code);
}
