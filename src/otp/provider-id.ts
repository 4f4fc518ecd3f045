/**
 * The providers a route may name, as SMS_ROUTES and VOICE_ROUTES spell them. Adding a provider is
 * one word here, one adapter folder (src/adapters/<id>/) that implements CodeProvider
 * (./code-provider.ts), its settings and one line in src/wiring.ts (docs/architecture.md, "Adding
 * a provider").
 */
export const PROVIDER_IDS = ['plivo', 'twilio'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export function isProviderId(name: string): name is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(name);
}
