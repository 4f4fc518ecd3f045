/**
 * The addresses the simulated callers come from. They are only strings sent as X-End-User-IP (the
 * harness calls as a backend with an API key); nothing ever connects to them.
 *
 * The attacker rotates like a residential-proxy network: a fresh address per request, half IPv4
 * (random public-looking addresses), half IPv6, and of those half from a few /64s (one customer's
 * allocation: what a per-/64 limit catches) and half from random /48s. Legitimate users each have
 * their own address.
 */
import type { SeededRandom } from './seeded-random.ts';

/** IPv4 ranges that are not public unicast (RFC 6890 and friends): never drawn. */
const NOT_PUBLIC_V4: readonly [first: number, prefixLength: number][] = [
  [ipv4('0.0.0.0'), 8],
  [ipv4('10.0.0.0'), 8],
  [ipv4('100.64.0.0'), 10],
  [ipv4('127.0.0.0'), 8],
  [ipv4('169.254.0.0'), 16],
  [ipv4('172.16.0.0'), 12],
  [ipv4('192.0.0.0'), 24],
  [ipv4('192.0.2.0'), 24],
  [ipv4('192.88.99.0'), 24],
  [ipv4('192.168.0.0'), 16],
  [ipv4('198.18.0.0'), 15],
  [ipv4('198.51.100.0'), 24],
  [ipv4('203.0.113.0'), 24],
  [ipv4('224.0.0.0'), 3],
];

function ipv4(text: string): number {
  return text.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

function ipv4Text(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export function isPublicIpv4(text: string): boolean {
  const value = ipv4(text);
  return !NOT_PUBLIC_V4.some(
    ([first, prefixLength]) =>
      Math.floor(value / 2 ** (32 - prefixLength)) === first / 2 ** (32 - prefixLength),
  );
}

function hextet(random: SeededRandom): string {
  return random.below(0x10000).toString(16);
}

/** Global unicast 2000::/3, outside the documentation prefix 2001:db8::/32. */
function randomIpv6Prefix48(random: SeededRandom): string {
  for (;;) {
    const first = 0x2000 + random.below(0x2000);
    const second = random.below(0x10000);
    if (first === 0x2001 && second === 0x0db8) continue;
    return `${first.toString(16)}:${second.toString(16)}:${hextet(random)}`;
  }
}

function interfaceId(random: SeededRandom): string {
  return Array.from({ length: 4 }, () => hextet(random)).join(':');
}

/** A fresh, never repeated address per call; `used` is shared so attacker and users never collide. */
export function addressSource(random: SeededRandom, used: Set<string> = new Set()) {
  const fresh = (draw: () => string) => {
    for (;;) {
      const address = draw();
      if (!used.has(address)) {
        used.add(address);
        return address;
      }
    }
  };
  const publicIpv4 = () =>
    fresh(() => {
      for (;;) {
        const address = ipv4Text(random.below(2 ** 32));
        if (isPublicIpv4(address)) return address;
      }
    });
  const ipv6InRandom48 = () =>
    fresh(() => `${randomIpv6Prefix48(random)}:${hextet(random)}:${interfaceId(random)}`);
  return { publicIpv4, ipv6InRandom48, fresh, used };
}

/** How many /64s the attacker's "few /64s" half of its IPv6 traffic comes from. */
export const ATTACKER_IPV6_SUBNETS = 4;

export interface AttackerAddresses {
  /** The address of the attack's `index`-th request: IPv4, IPv6 in a few /64s, IPv6 in random /48s, in turn. */
  next(): string;
  /** The attacker's /64s, as `a:b:c:d` (the first four hextets). */
  subnets64: readonly string[];
}

export function attackerAddresses(random: SeededRandom, used: Set<string>): AttackerAddresses {
  const source = addressSource(random, used);
  const subnets64 = Array.from(
    { length: ATTACKER_IPV6_SUBNETS },
    () => `${randomIpv6Prefix48(random)}:${hextet(random)}`,
  );
  let index = 0;
  return {
    subnets64,
    next() {
      const turn = index++ % 4;
      if (turn === 0 || turn === 2) return source.publicIpv4();
      if (turn === 1) {
        const subnet = subnets64[random.below(subnets64.length)] ?? subnets64[0];
        return source.fresh(() => `${subnet}:${interfaceId(random)}`);
      }
      return source.ipv6InRandom48();
    },
  };
}

/** One address per legitimate user: IPv4 and IPv6 (its own /64) in turn. */
export function userAddresses(random: SeededRandom, used: Set<string>): () => string {
  const source = addressSource(random, used);
  let index = 0;
  return () => (index++ % 2 === 0 ? source.publicIpv4() : source.ipv6InRandom48());
}
