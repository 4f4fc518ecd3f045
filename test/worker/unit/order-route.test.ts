import { describe, expect, it } from 'vitest';
import type { RandomSource } from '../../../src/otp/ports.ts';
import { orderRoute } from '../../../src/otp/routing/order-route.ts';
import type { ProviderEvidence, RouteEvidence } from '../../../src/otp/routing/route-evidence.ts';

/** Draws these uniform values in [0, 1), one per 4-byte fill, then repeats the last. */
function draws(...values: number[]): RandomSource {
  let next = 0;
  return {
    fill(bytes) {
      const value = values[Math.min(next, values.length - 1)] ?? 0;
      next += 1;
      new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(
        0,
        Math.floor(value * 2 ** 32),
      );
    },
  };
}

function counts(sent: number, verified: number): ProviderEvidence {
  return { sent, delivered: verified, failed: sent - verified, verified };
}

function evidence(byProvider: Record<string, ProviderEvidence>, open: string[] = []): RouteEvidence {
  return { byProvider: new Map(Object.entries(byProvider)), openBreakers: new Set(open) };
}

const ADAPTIVE = { mode: 'adaptive', minEvidence: 20, exploration: 0.05 } as const;
const NO_EXPLORING = draws(0.99);

describe('the order of a send’s providers', () => {
  it('static: the route as configured, whatever the conversion', () => {
    const seen = evidence({ plivo: counts(100, 60), twilio: counts(100, 95) });
    expect(orderRoute(['plivo', 'twilio'], seen, { ...ADAPTIVE, mode: 'static' }, draws(0))).toEqual({
      providers: ['plivo', 'twilio'],
      reason: 'configured',
    });
  });

  it('adaptive: the better-converting provider goes first once both have enough evidence', () => {
    const seen = evidence({ plivo: counts(40, 27), twilio: counts(20, 19) });
    expect(orderRoute(['plivo', 'twilio'], seen, ADAPTIVE, NO_EXPLORING)).toEqual({
      providers: ['twilio', 'plivo'],
      reason: 'conversion',
    });
  });

  it('adaptive: below the evidence threshold a provider keeps its configured place', () => {
    // Twilio converted every code, but only 19 of them: not enough to move traffic on.
    const seen = evidence({ plivo: counts(40, 27), twilio: counts(19, 19) });
    expect(orderRoute(['plivo', 'twilio'], seen, ADAPTIVE, NO_EXPLORING).providers).toEqual([
      'plivo',
      'twilio',
    ]);
  });

  it('adaptive: ties keep the configured order', () => {
    const seen = evidence({ plivo: counts(40, 30), twilio: counts(40, 30) });
    expect(orderRoute(['plivo', 'twilio'], seen, ADAPTIVE, NO_EXPLORING).providers).toEqual([
      'plivo',
      'twilio',
    ]);
  });

  it('adaptive: a draw under the exploration share puts another provider first', () => {
    const seen = evidence({ plivo: counts(40, 27), twilio: counts(40, 39) });
    expect(orderRoute(['plivo', 'twilio'], seen, ADAPTIVE, draws(0.01, 0))).toEqual({
      providers: ['plivo', 'twilio'],
      reason: 'exploration',
    });
    expect(orderRoute(['plivo', 'twilio'], seen, ADAPTIVE, draws(0.049, 0)).reason).toBe('exploration');
    expect(orderRoute(['plivo', 'twilio'], seen, ADAPTIVE, draws(0.051)).reason).toBe('conversion');
  });

  it('an open breaker puts its provider last, in static mode too, and never drops it', () => {
    const seen = evidence({}, ['plivo']);
    expect(
      orderRoute(['plivo', 'twilio'], seen, { ...ADAPTIVE, mode: 'static' }, draws(0)).providers,
    ).toEqual(['twilio', 'plivo']);
    expect(orderRoute(['plivo'], seen, ADAPTIVE, NO_EXPLORING).providers).toEqual(['plivo']);
  });

  it('over many sends, exploration takes about its share and no more', () => {
    const seen = evidence({ plivo: counts(40, 27), twilio: counts(40, 39) });
    let explored = 0;
    for (let i = 0; i < 1000; i += 1) {
      const value = (i + 0.5) / 1000;
      if (orderRoute(['plivo', 'twilio'], seen, ADAPTIVE, draws(value, 0)).providers[0] === 'plivo')
        explored += 1;
    }
    expect(explored).toBe(50);
  });
});
