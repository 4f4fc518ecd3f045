/** The IPv6 prefix lengths a client may be keyed by (IPV6_CLIENT_PREFIX). */
export const MIN_IPV6_CLIENT_PREFIX = 48;
export const MAX_IPV6_CLIENT_PREFIX = 64;

/**
 * The network a client IP belongs to, as limits count it: an IPv4 address is itself, an IPv6
 * address is its `/prefixLength` network (`2001:db8:1:2::/64`). One IPv6 subscriber holds at
 * least a /64 (RFC 6177; often a /56 or /48), so keying by address would give every subscriber
 * 2^64 budgets. Expects an address `parseIpLiteral` produced (IPv4-mapped forms already folded).
 */
export function clientNetwork(ip: string, prefixLength: number): string {
  if (!ip.includes(':')) return ip;
  const hextets = expandIpv6(ip);
  const masked = hextets.map((hextet, index) => {
    const bitsKept = Math.min(16, Math.max(0, prefixLength - index * 16));
    return bitsKept === 0 ? 0 : hextet & (0xffff << (16 - bitsKept)) & 0xffff;
  });
  // The URL parser prints the masked address in canonical (RFC 5952) form.
  const address = new URL(`http://[${masked.map((hextet) => hextet.toString(16)).join(':')}]/`).hostname;
  return `${address.slice(1, -1)}/${prefixLength}`;
}

/** Eight 16-bit groups of a canonical IPv6 literal (no dotted tail: the URL parser never prints one). */
function expandIpv6(ip: string): number[] {
  const [head = '', tail] = ip.split('::');
  const parse = (part: string) =>
    part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}
