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
