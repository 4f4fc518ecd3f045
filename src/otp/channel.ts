/**
 * How a code reaches the user. Each channel has its own fraud-guard budgets (docs/abuse-defense.md):
 * a voice call to a premium range costs far more than an SMS, and pumping one must not spend or
 * hide behind the other's budget.
 */
export const CHANNELS = ['sms', 'voice', 'whatsapp'] as const;
export type Channel = (typeof CHANNELS)[number];

export function isChannel(value: string): value is Channel {
  return (CHANNELS as readonly string[]).includes(value);
}

/**
 * What a caller may ask for: a channel, or `auto`: SMS first, then a call by itself when the
 * provider reports the SMS failed (src/otp/fall-back-to-voice.ts).
 */
export const REQUESTED_CHANNELS = [...CHANNELS, 'auto'] as const;
export type RequestedChannel = (typeof REQUESTED_CHANNELS)[number];
