import { describe, expect, it } from 'vitest';
import { clientNetwork } from '../../../src/net/client-network.ts';
import { parseIpLiteral } from '../../../src/net/ip-literal.ts';

describe('parseIpLiteral folds IPv4 carried in IPv6 to the IPv4 address', () => {
  it.each([
    ['::ffff:203.0.113.9', 'mapped, dotted'],
    ['::FFFF:CB00:7109', 'mapped, hex, upper case'],
    ['::ffff:cb00:7109', 'mapped, hex'],
    ['0:0:0:0:0:ffff:cb00:7109', 'mapped, uncompressed'],
    ['::203.0.113.9', 'compatible, dotted'],
    ['::cb00:7109', 'compatible, hex'],
  ])('%s (%s) is 203.0.113.9', (literal) => {
    expect(parseIpLiteral(literal)).toBe('203.0.113.9');
  });

  it.each([
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff', 'only 16 bits'],
    ['::ff:1', 'a compatible form whose IPv4 would be in 0.0.0.0/8'],
    ['64:ff9b::cb00:7109', 'NAT64 (a different network, not folded)'],
    ['2001:db8::ffff:cb00:7109', 'mapped bits in a global address'],
  ])('%s (%s) stays IPv6', (literal) => {
    expect(parseIpLiteral(literal)).toContain(':');
  });
});

describe('clientNetwork keys a client by its network', () => {
  it('an IPv4 address is its own network', () => {
    expect(clientNetwork('203.0.113.9', 64)).toBe('203.0.113.9');
  });

  it('every address of one /64 is one network; the next /64 is another', () => {
    const networks = new Set(
      ['2001:db8:1:2::1', '2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2:a:b:c:d'].map((ip) =>
        clientNetwork(ip, 64),
      ),
    );
    expect([...networks]).toEqual(['2001:db8:1:2::/64']);
    expect(clientNetwork('2001:db8:1:3::1', 64)).toBe('2001:db8:1:3::/64');
  });

  it('a /48 setting groups every /64 of the /48, and not the next /48', () => {
    expect(clientNetwork('2001:db8:1:2::1', 48)).toBe('2001:db8:1::/48');
    expect(clientNetwork('2001:db8:1:ffff:1::1', 48)).toBe('2001:db8:1::/48');
    expect(clientNetwork('2001:db8:2::1', 48)).toBe('2001:db8:2::/48');
  });

  it('a prefix length that is not a multiple of 16 masks inside a group', () => {
    expect(clientNetwork('2001:db8:1:12ff::1', 56)).toBe('2001:db8:1:1200::/56');
    expect(clientNetwork('2001:db8:1:2ff::1', 56)).toBe('2001:db8:1:200::/56');
  });

  it('the network is written canonically whatever the spelling of the address', () => {
    const spelled = parseIpLiteral('2001:0DB8:0001:0002:0000:0000:0000:0001') ?? '';
    expect(clientNetwork(spelled, 64)).toBe('2001:db8:1:2::/64');
  });
});
