import { clientNetwork } from '../net/client-network.ts';
import type { Channel } from './channel.ts';
import type { GuardPass } from './guard-standing.ts';
import type { ManageVerificationDeps } from './manage-verification.ts';
import { type ReissueCodeOutcome, reissueCode } from './reissue-code.ts';
import type { RequestCodeDeps } from './request-code.ts';
import { openVerificationRef } from './verification-ref.ts';

export type SwitchChannelDeps = RequestCodeDeps & ManageVerificationDeps;

export interface ChannelSwitch {
  verificationId: string;
  channel: Channel;
  clientIp: string;
  /** As for a request: a switch is a send, and meets the guard's ways through like one. */
  guard: GuardPass;
}

export type SwitchChannelOutcome =
  | ReissueCodeOutcome
  | { kind: 'channel_unavailable'; channel: Channel }
  | { kind: 'rate_limited'; scope: 'ip'; retryAfterSeconds: number };

/**
 * "Call me instead": a fresh code over another channel on the same verification, for a user whose
 * code did not arrive (./reissue-code.ts). Allowed once OTP_FALLBACK_DELAY_SECONDS have passed
 * since its last code, shorter than the resend cooldown because the user keeps their
 * verification, its attempts used and the number's failure counts (a switch cannot reset what
 * guessing spent).
 */
export async function switchChannel(
  request: ChannelSwitch,
  deps: SwitchChannelDeps,
): Promise<SwitchChannelOutcome> {
  if (!deps.delivery.offers(request.channel))
    return { kind: 'channel_unavailable', channel: request.channel };
  const ref = await openVerificationRef(request.verificationId, deps.verificationIds, deps.hasher, deps.app);
  if (!ref) return { kind: 'not_found' };
  deps.log.subject(ref.country);
  const nowMs = deps.clock.nowMs();
  const network = clientNetwork(request.clientIp, deps.ipv6ClientPrefix);
  const networkTag = await deps.hasher.limitTag('ip', network);
  // The binding names the number and the current channel; reading it counts like a status read,
  // so a switch is no cheaper id oracle than GET.
  const read = await deps.verifications.read(ref, {
    networkTag,
    maxVerifiesPerIp: deps.verifyPerIp.limit,
    ipWindowSeconds: deps.verifyPerIp.windowSeconds,
    nowMs,
  });
  if (read.kind !== 'found') return read;
  if (read.state.status !== 'pending' || nowMs >= read.state.expiresAtMs) return { kind: 'not_found' };
  const binding = await deps.bindingSeal.open(request.verificationId, read.state.sealedBinding);
  if (!binding) throw new Error('verification binding does not open');
  deps.log.subject(ref.country, binding.e164);
  // Charged to the network that requested the verification, not to whoever switches: one solved
  // token or one request must not buy sends from rotating addresses.
  const requester = read.state.requesterNetworkTag ?? networkTag;
  return reissueCode(
    { verificationId: request.verificationId, ref, binding, networkTag: requester },
    request.channel,
    { by: 'user', fallbackDelaySeconds: deps.policy.fallbackDelaySeconds },
    request.guard,
    deps,
  );
}
