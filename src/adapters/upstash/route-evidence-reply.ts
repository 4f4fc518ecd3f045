import type { ProviderEvidence, RouteEvidence } from '../../otp/routing/route-evidence.ts';
import { unexpectedReply } from './store-call.ts';

/**
 * admit-send's route evidence: `provider sent delivered failed verified open` per provider,
 * joined by `|` ('' when no route was read). Weighted counts are fractional, so Lua sends them as
 * text (a Lua number in a reply would be truncated to an integer).
 */
export function parseRouteEvidence(text: string): RouteEvidence {
  const byProvider = new Map<string, ProviderEvidence>();
  const openBreakers = new Set<string>();
  if (text === '') return { byProvider, openBreakers };
  for (const line of text.split('|')) {
    const [provider, ...fields] = line.split(' ');
    const [sent, delivered, failed, verified, open] = fields.map(Number);
    if (
      provider === undefined ||
      open === undefined ||
      ![sent, delivered, failed, verified].every((value) => Number.isFinite(value))
    ) {
      throw unexpectedReply('route evidence');
    }
    byProvider.set(provider, {
      sent: sent ?? 0,
      delivered: delivered ?? 0,
      failed: failed ?? 0,
      verified: verified ?? 0,
    });
    if (open === 1) openBreakers.add(provider);
  }
  return { byProvider, openBreakers };
}
