import { classifyNumberKind, type RefusedNumberType } from '../phone/number-kind.ts';
import type { Channel } from './channel.ts';

/**
 * Whether a number may be sent a code over a channel: the number kinds refused for SMS (premium
 * rate, VoIP, ...) stay refused on every channel, except that a fixed line may take a voice call
 * when the operator allows it (VOICE_TO_FIXED_LINES). One rule for a first request and a switch.
 */
export function refusedNumberType(
  e164: string,
  channel: Channel,
  voiceToFixedLines: boolean,
): RefusedNumberType | undefined {
  const numberKind = classifyNumberKind(e164);
  if (numberKind.kind !== 'refused') return undefined;
  const callableLandline = channel === 'voice' && voiceToFixedLines && numberKind.numberType === 'FIXED_LINE';
  return callableLandline ? undefined : numberKind.numberType;
}
