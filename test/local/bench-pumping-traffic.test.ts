import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  ATTACK_STRIDE,
  ATTACKED_COUNTRIES,
  attackNumbers,
  inAttackedBlock,
  isMobileOf,
} from '../../bench/pumping/attacked-ranges.ts';
import { attackerAddresses, isPublicIpv4, userAddresses } from '../../bench/pumping/client-addresses.ts';
import { legitimateNumberSource } from '../../bench/pumping/legitimate-numbers.ts';
import { verdicts } from '../../bench/pumping/render.ts';
import { SCENARIOS } from '../../bench/pumping/scenarios.ts';
import { seededRandom } from '../../bench/pumping/seeded-random.ts';
import type { SimulationRecord } from '../../bench/pumping/simulation.ts';
import { tally } from '../../bench/pumping/tally.ts';
import { classifyNumberKind } from '../../src/phone/number-kind.ts';
import { parsePhone } from '../../src/phone/parse-phone.ts';

/** `npm run bench:pumping` only measures something if its traffic is what it claims to be. */
describe('the pumping simulation traffic', () => {
  it('attack numbers are valid mobiles the service accepts, in a few 1M blocks, a new 1000-number prefix at every step', () => {
    for (const target of ATTACKED_COUNTRIES) {
      const numbers = attackNumbers(target, 400);
      expect(numbers).toHaveLength(400);
      expect(new Set(numbers).size).toBe(400);
      expect(target.blocks.length).toBeLessThanOrEqual(3);
      for (const phone of numbers) {
        expect(isMobileOf(phone, target.country), phone).toBe(true);
        const parsed = parsePhone(phone);
        expect(parsed.ok && parsed.e164 === phone && parsed.country === target.country, phone).toBe(true);
        expect(classifyNumberKind(phone).kind, phone).toBe('allowed');
        expect(inAttackedBlock(phone), phone).toBe(true);
      }
      // Each block's walk: consecutive numbers differ by the stride and never share a prefix.
      for (const block of target.blocks) {
        const walk = numbers.filter((phone) => phone.startsWith(`+${block}`));
        expect(walk.length).toBeGreaterThan(100);
        for (const [index, phone] of walk.entries()) {
          const previous = walk[index - 1];
          if (previous === undefined) continue;
          expect(Number(phone.slice(-6)) - Number(previous.slice(-6))).toBe(ATTACK_STRIDE);
          expect(phone.slice(0, -3)).not.toBe(previous.slice(0, -3));
        }
        expect(new Set(walk.map((phone) => phone.slice(0, -3))).size).toBe(walk.length);
      }
    }
  });

  it('legitimate numbers are valid mobiles spread over their country, outside the attacker blocks', () => {
    const next = legitimateNumberSource(seededRandom(7));
    for (const country of ['US', 'CA', 'BR', 'IN', 'GB'] as const) {
      const numbers = Array.from({ length: 60 }, () => next(country));
      expect(new Set(numbers).size).toBe(60);
      for (const phone of numbers) {
        const parsed = parsePhone(phone);
        expect(parsed.ok && parsed.country === country, phone).toBe(true);
        expect(classifyNumberKind(phone).kind, phone).toBe('allowed');
        expect(inAttackedBlock(phone), phone).toBe(false);
      }
      // Spread: hardly two users share the first four national digits.
      expect(new Set(numbers.map((phone) => phone.slice(0, -6))).size).toBeGreaterThan(40);
    }
  });

  it('attacker and users never share an address; the attacker rotates IPv4 and IPv6, a quarter of it in four /64s', () => {
    const used = new Set<string>();
    const random = seededRandom(3);
    const attacker = attackerAddresses(random, used);
    const attack = Array.from({ length: 2_400 }, () => attacker.next());
    const nextUser = userAddresses(random, used);
    const users = Array.from({ length: 180 }, () => nextUser());
    expect(new Set([...attack, ...users]).size).toBe(2_580);

    for (const address of [...attack, ...users]) expect(isIP(address), address).not.toBe(0);
    const v4 = attack.filter((address) => !address.includes(':'));
    expect(v4).toHaveLength(1_200);
    for (const address of [...v4, ...users.filter((user) => !user.includes(':'))])
      expect(isPublicIpv4(address), address).toBe(true);

    const subnet64 = (address: string) => address.split(':').slice(0, 4).join(':');
    const v6Subnets = attack.filter((address) => address.includes(':')).map(subnet64);
    const inFew = v6Subnets.filter((subnet) => attacker.subnets64.includes(subnet));
    expect(inFew).toHaveLength(600);
    expect(new Set(inFew).size).toBe(4);
    // The other quarter: a /64 of its own nearly every time.
    expect(new Set(v6Subnets.filter((subnet) => !attacker.subnets64.includes(subnet))).size).toBeGreaterThan(
      590,
    );
  });

  it('private and reserved IPv4 ranges are not public', () => {
    for (const address of [
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '127.0.0.1',
      '100.64.0.1',
      '169.254.1.1',
      '198.51.100.7',
      '224.0.0.1',
      '255.255.255.255',
      '0.1.2.3',
    ])
      expect(isPublicIpv4(address), address).toBe(false);
    for (const address of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '1.1.1.1', '223.255.255.255'])
      expect(isPublicIpv4(address), address).toBe(true);
  });
});

describe('the pumping tally', () => {
  const record: SimulationRecord = {
    attackNumbersByCountry: new Map([
      ['GB', ['+447400000000', '+447400001001']],
      ['DE', ['+4915112000000']],
    ]),
    attack: [
      { atMs: 100, country: 'GB', phone: '+447400000000', ip: '8.8.8.8', status: 200, refusal: undefined },
      {
        atMs: 6_000,
        country: 'GB',
        phone: '+447400001001',
        ip: '8.8.4.4',
        status: 429,
        refusal: 'rate_limited:country',
      },
      { atMs: 6_500, country: 'DE', phone: '+4915112000000', ip: '2a00::1', status: 200, refusal: undefined },
    ],
    users: [
      {
        atMs: 200,
        country: 'US',
        phone: '+14155552671',
        ip: '1.1.1.1',
        request: { status: 200, refusal: undefined },
        smsReceived: true,
        verify: { status: 200, refusal: undefined },
        servedAtMs: 3_000,
      },
      {
        atMs: 7_000,
        country: 'US',
        phone: '+14155552672',
        ip: '1.1.1.2',
        request: { status: 429, refusal: 'rate_limited:global' },
        smsReceived: false,
        verify: undefined,
        servedAtMs: undefined,
      },
    ],
    elapsedMs: 9_000,
  };

  it('counts SMS from what the sandbox accepted, by destination, not from the answers', () => {
    // The DE request answered 200 but its message never reached the sandbox; a stray one did.
    const result = tally(
      record,
      [
        { atMs: 150, dst: '+447400000000' },
        { atMs: 250, dst: '+14155552671' },
        { atMs: 8_000, dst: '+33612000000' },
      ],
      5,
    );
    expect(result.attackRequests).toBe(3);
    expect(result.attackAccepted).toBe(2);
    expect(result.attackSms).toBe(1);
    expect(result.attackSmsShare).toBeCloseTo(1 / 3);
    expect(Object.fromEntries(result.attackSmsByCountry)).toEqual({ GB: 1, DE: 0 });
    expect(result.maxAttackSmsPerCountry).toBe(1);
    expect(result.strayMessages).toBe(1);
    expect(Object.fromEntries(result.attackRefusals)).toEqual({ 'rate_limited:country': 1 });
    expect(result.usersServed).toBe(1);
    expect(result.usersServedShare).toBe(0.5);
    expect(Object.fromEntries(result.userRefusals)).toEqual({ 'rate_limited:global': 1 });
    expect(result.timeline).toEqual([
      { fromSeconds: 0, attackRequests: 1, attackSms: 1, usersArrived: 1, usersServed: 1, usersRefused: 0 },
      { fromSeconds: 5, attackRequests: 2, attackSms: 0, usersArrived: 1, usersServed: 0, usersRefused: 1 },
    ]);
  });

  it('a scenario passes only when every target holds, including users in an attacked country', () => {
    const scenario = SCENARIOS[1];
    if (!scenario) throw new Error('the same-country scenario is missing');
    const tallied = tally(record, [{ atMs: 150, dst: '+447400000000' }], 5);
    const failing = verdicts({ scenario, tally: tallied, elapsedSeconds: 9 });
    expect(failing.map((verdict) => verdict.pass)).toEqual([false, true, false]);

    const passing = verdicts({
      scenario,
      tally: {
        ...tallied,
        attackSms: 0,
        attackSmsShare: 0,
        usersServed: 2,
        usersServedShare: 1,
        usersByCountry: new Map([['GB', [19, 20]]]),
      },
      elapsedSeconds: 9,
    });
    expect(passing.map((verdict) => verdict.pass)).toEqual([true, true, true, true]);
    expect(passing[3]?.target).toContain('GB');
  });
});
