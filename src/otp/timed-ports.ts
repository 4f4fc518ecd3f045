import type { CodeDelivery, DependencyTimer, HumanCheck } from './ports.ts';

/**
 * The provider's span wraps the port, not the adapter: whichever provider delivers (or a routing
 * of several), the time awaited on it is one `provider` span.
 */
export function timedDelivery(delivery: CodeDelivery, timer: DependencyTimer): CodeDelivery {
  return {
    offers: (channel) => delivery.offers(channel),
    deliver: (...args) => timer.time('provider', () => delivery.deliver(...args)),
  };
}

export function timedHumanCheck(check: HumanCheck, timer: DependencyTimer): HumanCheck {
  return { check: (token, context) => timer.time('siteverify', () => check.check(token, context)) };
}
