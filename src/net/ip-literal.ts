const IPV4_OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${IPV4_OCTET}(\\.${IPV4_OCTET}){3}$`);

/**
 * An IPv4 literal in dotted-decimal form, or an IPv6 literal in its canonical (RFC 5952) form, so
 * two spellings of one address are one key. IPv4-mapped (`::ffff:a.b.c.d`) and IPv4-compatible
 * (`::a.b.c.d`) IPv6 forms are the IPv4 address they carry: otherwise one client has three
 * budgets. Anything else (hostnames, ports, zone ids, octal or hex IPv4 forms) is undefined.
 */
export function parseIpLiteral(text: string): string | undefined {
  const value = text.trim();
  if (value.length === 0 || value.length > 45) return undefined;
  if (IPV4.test(value)) return value;
  if (!value.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(value)) return undefined;
  let canonical: string;
  try {
    // The URL parser implements the WHATWG IPv6 parser, which validates and compresses.
    canonical = new URL(`http://[${value}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  return embeddedIpv4(canonical) ?? canonical;
}

/**
 * The IPv4 address inside a mapped (`::ffff:0:0/96`) or compatible (`::/96`) IPv6 address. The
 * canonical form ends in two hextets after `::ffff:` or `::`. A compatible form whose first
 * octet would be 0 (`::`, `::1`, `::ffff`) is IPv6's own unspecified or loopback address, or
 * names no real IPv4 host (0.0.0.0/8), so it stays IPv6.
 */
function embeddedIpv4(canonical: string): string | undefined {
  const match = /^::(ffff:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!match) return undefined;
  const high = Number.parseInt(match[2] ?? '', 16);
  const low = Number.parseInt(match[3] ?? '', 16);
  if (match[1] === undefined && high >> 8 === 0) return undefined;
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}
