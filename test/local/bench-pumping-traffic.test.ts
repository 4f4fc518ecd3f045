import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  ATTACK_STRIDE,
  ATTACKED_COUNTRIES,
  attackNumbers,
  blockOf,
  inAttackedBlock,
  isMobileOf,
  rangeOf,
} from '../../bench/pumping/attacked-ranges.ts';
import { attackerAddresses, isPublicIpv4, userAddresses } from '../../bench/pumping/client-addresses.ts';
import { legitimateNumberSource } from '../../bench/pumping/legitimate-numbers.ts';
import { overallVerdict, verdicts } from '../../bench/pumping/render.ts';
import { SCENARIOS, type Scenario, selectScenarios } from '../../bench/pumping/scenarios.ts';
import { seededRandom } from '../../bench/pumping/seeded-random.ts';
import type { SimulationRecord, UserFlow } from '../../bench/pumping/simulation.ts';
import { tally } from '../../bench/pumping/tally.ts';
import { planTraffic, type TrafficPlan } from '../../bench/pumping/traffic-plan.ts';
import { type Answer, readAnswer, requestCode, workerCaller } from '../../bench/pumping/worker-calls.ts';
import { workerSettings } from '../../bench/pumping/worker-settings.ts';
import { SOLVED_TOKEN_PREFIX } from '../../local/stand-ins/turnstile-tokens.ts';
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
  const attackCall = { status: 200, refusal: undefined, asked: undefined, solved: false } as const;
  const userFlow = { abandons: false, asked: undefined, solved: false } as const;
  const record: SimulationRecord = {
    attackBlocks: new Map(),
    attackNumbersByCountry: new Map([
      ['GB', ['+447400000000', '+447400001001']],
      ['DE', ['+4915112000000']],
    ]),
    attack: [
      { ...attackCall, atMs: 100, country: 'GB', phone: '+447400000000', ip: '8.8.8.8' },
      {
        ...attackCall,
        atMs: 6_000,
        country: 'GB',
        phone: '+447400001001',
        ip: '8.8.4.4',
        status: 429,
        refusal: 'rate_limited:country',
        retryAfterSeconds: 3_000,
      },
      { ...attackCall, atMs: 6_500, country: 'DE', phone: '+4915112000000', ip: '2a00::1' },
    ],
    users: [
      {
        ...userFlow,
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
        ...userFlow,
        atMs: 7_000,
        country: 'US',
        phone: '+14155552672',
        ip: '1.1.1.2',
        request: { status: 429, refusal: 'rate_limited:global', retryAfterSeconds: 1_200 },
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
    expect(Object.fromEntries(result.retryAfter)).toEqual({
      'rate_limited:country': { min: 3_000, max: 3_000 },
      'rate_limited:global': { min: 1_200, max: 1_200 },
    });
    const quiet = { usersAsked: 0, usersAbandoning: 0 };
    expect(result.timeline).toEqual([
      {
        fromSeconds: 0,
        attackRequests: 1,
        attackSms: 1,
        usersArrived: 1,
        usersServed: 1,
        usersRefused: 0,
        ...quiet,
      },
      {
        fromSeconds: 5,
        attackRequests: 2,
        attackSms: 0,
        usersArrived: 1,
        usersServed: 0,
        usersRefused: 1,
        ...quiet,
      },
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
        usersByCountry: new Map([
          ['GB', [20, 20]],
          ['US', [40, 40]],
        ]),
      },
      elapsedSeconds: 9,
    });
    expect(passing.map((verdict) => verdict.pass)).toEqual([true, true, true, true]);
    expect(passing[3]?.target).toContain('GB');
  });
});

function scenario(id: string): Scenario {
  const found = SCENARIOS.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no scenario ${id}`);
  return found;
}

/** Every number a valid mobile of `country` that the service would text. */
function expectTextableMobiles(numbers: readonly string[], country: string) {
  for (const phone of numbers) {
    const parsed = parsePhone(phone);
    expect(parsed.ok && parsed.e164 === phone && parsed.country === country, phone).toBe(true);
    expect(isMobileOf(phone, country), phone).toBe(true);
    expect(classifyNumberKind(phone).kind, phone).toBe('allowed');
  }
}

function addressesOf(plan: TrafficPlan): string[] {
  return [...plan.adversary.map((call) => call.ip), ...plan.users.map((user) => user.ip)];
}

describe("the new scenarios' traffic", () => {
  const options = { durationSeconds: 40, seed: 1 };

  it('a flash crowd: 150 users at random times inside its 20 s, 23 of them (15 %) never verify, the others 8-30 s after their code', () => {
    for (const [id, country] of [
      ['crowd-declared', 'US'],
      ['crowd-undeclared', 'GB'],
      ['crowd-trusted', 'GB'],
    ] as const) {
      for (const seed of [1, 2, 3]) {
        const plan = planTraffic(scenario(id), { ...options, seed });
        expect(plan.adversary).toEqual([]);
        expect(plan.users).toHaveLength(150);
        expect(plan.users.filter((user) => user.abandons)).toHaveLength(23);
        for (const user of plan.users) {
          expect(user.arriveMs).toBeGreaterThanOrEqual(0);
          expect(user.arriveMs).toBeLessThan(20_000);
          expect(user.verifyDelayMs).toBeGreaterThanOrEqual(8_000);
          expect(user.verifyDelayMs).toBeLessThan(30_000);
          expect(user.country).toBe(country);
        }
        // Random, not one per slot: some 2 s slots get several users and some none.
        const perSlot = Array.from(
          { length: 10 },
          (_, slot) => plan.users.filter((user) => Math.floor(user.arriveMs / 2_000) === slot).length,
        );
        expect(Math.max(...perSlot) - Math.min(...perSlot)).toBeGreaterThan(2);
        // Delays spread over their range, not bunched at one end.
        expect(plan.users.filter((user) => user.verifyDelayMs < 19_000).length).toBeGreaterThan(40);
        expect(plan.users.filter((user) => user.verifyDelayMs >= 19_000).length).toBeGreaterThan(40);
        const phones = plan.users.map((user) => user.phone);
        expect(new Set(phones).size).toBe(150);
        expectTextableMobiles(phones, country);
        expect(new Set(addressesOf(plan)).size).toBe(150);
      }
    }
    expect(scenario('crowd-declared').users.caller).toBe('browser');
    expect(scenario('crowd-undeclared').users.caller).toBe('browser');
    expect(scenario('crowd-trusted').users.caller).toBe('trusted-backend');
  });

  it("the lockout stranger: 100 requests in its first 10 s, one in each arriving user's range (and so block), none a user's number; the users come after it, over 60 s", () => {
    for (const [id, country] of [
      ['lockout-declared', 'US'],
      ['lockout-undeclared', 'GB'],
    ] as const) {
      const plan = planTraffic(scenario(id), options);
      expect(plan.adversary).toHaveLength(100);
      expect(plan.users).toHaveLength(100);
      expect(plan.users.filter((user) => user.abandons)).toHaveLength(0);
      const lastStrangerMs = Math.max(...plan.adversary.map((call) => call.dueMs));
      expect(Math.min(...plan.adversary.map((call) => call.dueMs))).toBe(0);
      expect(lastStrangerMs).toBeLessThan(10_000);
      for (const user of plan.users) {
        expect(user.arriveMs).toBeGreaterThanOrEqual(10_000);
        expect(user.arriveMs).toBeLessThan(70_000);
        expect(user.country).toBe(country);
      }

      const stranger = plan.adversary.map((call) => call.phone);
      const users = plan.users.map((user) => user.phone);
      expect(new Set(stranger).size).toBe(100);
      expect(stranger.filter((phone) => users.includes(phone))).toEqual([]);
      expectTextableMobiles(stranger, country);
      expectTextableMobiles(users, country);
      // Every user's range holds as many stranger numbers as it has users (one each), and so every
      // user's block holds at least one.
      const count = (list: readonly string[], key: (phone: string) => string) => {
        const counts = new Map<string, number>();
        for (const phone of list) counts.set(key(phone), (counts.get(key(phone)) ?? 0) + 1);
        return counts;
      };
      expect(count(stranger, rangeOf)).toEqual(count(users, rangeOf));
      const strangerBlocks = new Set(stranger.map(blockOf));
      for (const phone of users) expect(strangerBlocks.has(blockOf(phone)), phone).toBe(true);
      // Spread: the users (and so the stranger) touch many ranges and blocks of the country.
      expect(new Set(users.map(blockOf)).size).toBeGreaterThan(80);
      expect(plan.adversaryBlocks.get(country)).toHaveLength(strangerBlocks.size);
      expect([...plan.adversaryNumbersByCountry.keys()]).toEqual([country]);
      // Rotating: a fresh address per stranger request, none of them a user's.
      expect(new Set(addressesOf(plan)).size).toBe(200);
    }
  });

  it('pumping the home market: 2,400 US requests over 120 blocks, 20 each, every one a new 1000-number range; the users are outside those blocks and arrive throughout', () => {
    const plan = planTraffic(scenario('pumping-home-market'), options);
    const numbers = plan.adversary.map((call) => call.phone);
    expect(numbers).toHaveLength(2_400);
    expect(new Set(plan.adversary.map((call) => call.country))).toEqual(new Set(['US']));
    expectTextableMobiles(numbers, 'US');
    expect(new Set(numbers.map(rangeOf)).size).toBe(2_400);
    const perBlock = new Map<string, number>();
    for (const phone of numbers) perBlock.set(blockOf(phone), (perBlock.get(blockOf(phone)) ?? 0) + 1);
    expect(perBlock.size).toBe(120);
    expect(Math.max(...perBlock.values())).toBe(20);
    expect(plan.adversaryBlocks.get('US')).toHaveLength(120);
    // Blocks from all over the country, not one area code.
    expect(new Set([...perBlock.keys()].map((block) => block.slice(0, 4))).size).toBeGreaterThan(100);
    // Paced evenly over the duration.
    expect(plan.adversary[0]?.dueMs).toBe(0);
    expect(plan.adversary.at(-1)?.dueMs).toBeLessThan(40_000);

    expect(plan.users).toHaveLength(100);
    for (const user of plan.users) {
      expect(perBlock.has(blockOf(user.phone)), user.phone).toBe(false);
      expect(user.arriveMs).toBeLessThan(40_000);
    }
    expect(plan.users.filter((user) => user.arriveMs < 20_000).length).toBeGreaterThan(30);
    expect(plan.users.filter((user) => user.arriveMs >= 20_000).length).toBeGreaterThan(30);
    expectTextableMobiles(
      plan.users.map((user) => user.phone),
      'US',
    );
    expect(new Set(addressesOf(plan)).size).toBe(2_500);
  });

  it('the original scenarios keep their shape: the attack paced over the duration, countries in turn; one user per equal slot', () => {
    for (const id of ['attack-elsewhere', 'attack-with-users', 'attacker-solves']) {
      const plan = planTraffic(scenario(id), options);
      expect(plan.adversary).toHaveLength(2_400);
      for (const [index, call] of plan.adversary.entries()) {
        expect(call.country).toBe(ATTACKED_COUNTRIES[index % ATTACKED_COUNTRIES.length]?.country);
        expect(call.dueMs).toBeCloseTo((index * 40_000) / 2_400);
      }
      const slotMs = 40_000 / plan.users.length;
      for (const [index, user] of plan.users.entries()) {
        expect(Math.floor(user.arriveMs / slotMs)).toBe(index);
        expect(user.verifyDelayMs).toBeGreaterThanOrEqual(1_000);
        expect(user.verifyDelayMs).toBeLessThan(5_000);
        expect(user.abandons).toBe(false);
      }
    }
  });

  it('the same seed gives the same traffic, another seed other traffic', () => {
    for (const candidate of SCENARIOS) {
      const first = planTraffic(candidate, options);
      expect(planTraffic(candidate, options)).toEqual(first);
      const other = planTraffic(candidate, { ...options, seed: 2 });
      expect(other.users.map((user) => user.phone)).not.toEqual(first.users.map((user) => user.phone));
    }
  });
});

describe('the scenarios and their Worker settings', () => {
  it('--scenario picks by id or name, in the list order; an unknown name is an error naming the ids', () => {
    expect(selectScenarios([])).toEqual(SCENARIOS);
    expect(selectScenarios(['lockout-declared', 'attack elsewhere']).map((s) => s.id)).toEqual([
      'attack-elsewhere',
      'lockout-declared',
    ]);
    expect(() => selectScenarios(['crowd'])).toThrow(/crowd-declared/);
    expect(new Set(SCENARIOS.map((s) => s.id)).size).toBe(SCENARIOS.length);
    expect(new Set(SCENARIOS.map((s) => s.name)).size).toBe(SCENARIOS.length);
  });

  it('the original scenarios run on the defaults; the others declare US and, in pressure mode, run the Turnstile stand-in', () => {
    for (const id of ['attack-elsewhere', 'attack-with-users'])
      expect(workerSettings(scenario(id))).toEqual({ vars: {}, secrets: {}, turnstileStandIn: false });
    for (const candidate of SCENARIOS.slice(2)) {
      const settings = workerSettings(candidate);
      expect(settings.vars.FRAUD_GUARD_EXPECTED, candidate.id).toBe('US:600');
      expect(settings).toMatchObject({
        vars: { TURNSTILE_MODE: 'pressure', TURNSTILE_ALLOWED_HOSTNAMES: '127.0.0.1' },
        secrets: { TURNSTILE_SECRET_KEY: '1x0000000000000000000000000000000AA' },
        turnstileStandIn: true,
      });
      expect(settings.vars.TURNSTILE_SITE_KEY).toMatch(/\S/);
    }
    // Undeclared means undeclared: none of these users' or attacked countries is in the list.
    for (const id of ['crowd-undeclared', 'crowd-trusted', 'lockout-undeclared', 'attacker-solves']) {
      const declared = (workerSettings(scenario(id)).vars.FRAUD_GUARD_EXPECTED ?? '')
        .split(',')
        .map((entry) => entry.split(':')[0]);
      const attacked = id === 'attacker-solves' ? ATTACKED_COUNTRIES.map((target) => target.country) : [];
      const users = id === 'attacker-solves' ? [] : Object.keys(scenario(id).users.byCountry);
      for (const country of [...attacked, ...users])
        expect(declared, `${id} ${country}`).not.toContain(country);
    }
  });
});

describe('challenges as the harness sees them', () => {
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('a 403 challenge_required naming a Turnstile site key asks for a challenge; one without a site key cannot be solved', async () => {
    const challenge = { type: 'turnstile', siteKey: '1x00000000000000000000AA' };
    expect(await readAnswer(json(403, { error: { code: 'challenge_required', challenge } }))).toMatchObject({
      status: 403,
      refusal: 'challenge_required',
      ask: 'challenge_required',
    });
    expect(await readAnswer(json(403, { error: 'challenge_required', challenge }))).toMatchObject({
      ask: 'challenge_required',
    });
    const unsolvable = await readAnswer(json(403, { error: { code: 'challenge_required' } }));
    expect(unsolvable.ask).toBeUndefined();
    expect(unsolvable.refusal).toBe('challenge_required (no turnstile siteKey)');
  });

  it('a missing token (every browser request needs one) asks too; any other failed check and a 429 do not', async () => {
    expect(
      await readAnswer(json(403, { error: { code: 'captcha_failed', reasons: ['missing-input-response'] } })),
    ).toMatchObject({ ask: 'captcha_failed', refusal: 'captcha_failed:missing-input-response' });
    const spent = await readAnswer(
      json(403, { error: { code: 'captcha_failed', reasons: ['timeout-or-duplicate'] } }),
    );
    expect(spent).toMatchObject({ refusal: 'captcha_failed' });
    expect(spent.ask).toBeUndefined();
    const limited = await readAnswer(
      json(429, { error: { code: 'rate_limited', scope: 'country' } }, { 'retry-after': '1800' }),
    );
    expect(limited).toEqual({ status: 429, refusal: 'rate_limited:country', retryAfterSeconds: 1_800 });
  });

  it('asked, a solver sends the same body again with a fresh token solved on the Worker host for otp-request; a non-solver does not', async () => {
    const challenged: Answer = { status: 403, refusal: 'challenge_required', ask: 'challenge_required' };
    const sent: Record<string, unknown>[] = [];
    const call = async (_path: string, body: Record<string, unknown>) => {
      sent.push(body);
      return sent.length === 1 ? challenged : { status: 200, refusal: undefined, verificationId: 'v' };
    };
    const solved = await requestCode(call, {
      phone: '+447700900001',
      caller: 'browser',
      solvesChallenges: true,
      turnstileHostname: '127.0.0.1',
    });
    expect(solved).toMatchObject({ asked: 'challenge_required', solved: true, answer: { status: 200 } });
    expect(sent).toHaveLength(2);
    const { turnstileToken, ...again } = sent[1] ?? {};
    expect(again).toEqual(sent[0]);
    expect(String(turnstileToken).startsWith(SOLVED_TOKEN_PREFIX)).toBe(true);
    const claims = new URLSearchParams(String(turnstileToken).slice(SOLVED_TOKEN_PREFIX.length));
    expect([claims.get('hostname'), claims.get('action')]).toEqual(['127.0.0.1', 'otp-request']);

    sent.length = 0;
    const refused = await requestCode(call, {
      phone: '+447700900001',
      caller: 'browser',
      solvesChallenges: false,
      turnstileHostname: '127.0.0.1',
    });
    expect(refused).toEqual({ answer: challenged, asked: 'challenge_required', solved: false });
    expect(sent).toHaveLength(1);
  });

  it('a browser sends only its own CF-Connecting-IP, a backend its key and X-End-User-IP; a call near the deadline (a fraction of a ms left) still goes out', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers);
      request.resume();
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '60' });
      response.end(JSON.stringify({ error: { code: 'rate_limited', scope: 'range' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const target = {
        workerUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        apiKey: 'key-1',
      };
      const browser = workerCaller(target, 'browser', '2a00:1450::1', () => 1_234.5);
      expect(await browser('/otp/request', { phone: '+447700900001' })).toEqual({
        status: 429,
        refusal: 'rate_limited:range',
        retryAfterSeconds: 60,
      });
      await workerCaller(target, 'trusted-backend', '8.8.8.8', () => 5_000)('/otp/request', {});
      expect(seen[0]?.['cf-connecting-ip']).toBe('2a00:1450::1');
      expect(seen[0]?.authorization).toBeUndefined();
      expect(seen[0]?.['x-end-user-ip']).toBeUndefined();
      expect(seen[1]?.authorization).toBe('Bearer key-1');
      expect(seen[1]?.['x-end-user-ip']).toBe('8.8.8.8');
      expect(seen[1]?.['cf-connecting-ip']).toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a vouching backend marks the user trusted; other callers do not', async () => {
    const sent: Record<string, unknown>[] = [];
    const call = async (_path: string, body: Record<string, unknown>) => {
      sent.push(body);
      return { status: 200, refusal: undefined };
    };
    const request = { phone: '+447700900001', solvesChallenges: true, turnstileHostname: '127.0.0.1' };
    await requestCode(call, { ...request, caller: 'trusted-backend' });
    await requestCode(call, { ...request, caller: 'backend' });
    await requestCode(call, { ...request, caller: 'browser' });
    expect(sent).toEqual([
      { phone: '+447700900001', trustedUser: true },
      { phone: '+447700900001' },
      { phone: '+447700900001' },
    ]);
  });
});

describe('the tally of crowds and challenges', () => {
  const user = (overrides: Partial<UserFlow>): UserFlow => ({
    atMs: 1_000,
    country: 'GB',
    phone: '+447700900001',
    ip: '1.1.1.1',
    abandons: false,
    asked: undefined,
    solved: false,
    request: { status: 200, refusal: undefined },
    smsReceived: true,
    verify: { status: 200, refusal: undefined },
    servedAtMs: 20_000,
    ...overrides,
  });
  const record: SimulationRecord = {
    attack: [],
    attackNumbersByCountry: new Map(),
    attackBlocks: new Map(),
    elapsedMs: 9_000,
    users: [
      user({ phone: '+447700900001' }),
      user({ phone: '+447700900002', asked: 'challenge_required', solved: true, atMs: 6_000 }),
      user({
        phone: '+447700900003',
        asked: 'challenge_required',
        solved: true,
        request: { status: 429, refusal: 'rate_limited:country', retryAfterSeconds: 600 },
        smsReceived: false,
        verify: undefined,
        servedAtMs: undefined,
      }),
      user({ phone: '+447700900004', abandons: true, verify: undefined, servedAtMs: undefined }),
      user({
        phone: '+447700900005',
        abandons: true,
        request: { status: 429, refusal: 'rate_limited:range', retryAfterSeconds: 60 },
        smsReceived: false,
        verify: undefined,
        servedAtMs: undefined,
      }),
    ],
  };

  it('abandoning users are out of the share served (their refusals still count); challenged users are counted', () => {
    const result = tally(record, [], 5);
    expect(result).toMatchObject({
      users: 5,
      usersVerifying: 3,
      usersAbandoning: 2,
      usersRequestOk: 3,
      usersServed: 2,
      usersAsked: 2,
      usersSolved: 2,
    });
    expect(result.usersServedShare).toBeCloseTo(2 / 3);
    expect(Object.fromEntries(result.usersAskedBy)).toEqual({ challenge_required: 2 });
    expect(Object.fromEntries(result.userRefusals)).toEqual({
      'rate_limited:country': 1,
      'rate_limited:range': 1,
    });
    expect(Object.fromEntries(result.usersByCountry)).toEqual({ GB: [2, 3] });
    expect(result.timeline).toEqual([
      {
        fromSeconds: 0,
        attackRequests: 0,
        attackSms: 0,
        usersArrived: 4,
        usersAsked: 1,
        usersServed: 1,
        usersRefused: 1,
        usersAbandoning: 2,
      },
      {
        fromSeconds: 5,
        attackRequests: 0,
        attackSms: 0,
        usersArrived: 1,
        usersAsked: 1,
        usersServed: 1,
        usersRefused: 0,
        usersAbandoning: 0,
      },
    ]);
  });

  it('a crowd that must not be challenged fails on one challenge; a reported figure passes and fails nothing', () => {
    const tallied = tally(record, [], 5);
    const crowd = verdicts({ scenario: scenario('crowd-declared'), tally: tallied, elapsedSeconds: 9 });
    expect(crowd.map((verdict) => verdict.pass)).toEqual([false, false]);
    expect(crowd[1]?.measured).toContain('2 of 5 asked');
    const calm = tally({ ...record, users: [user({})] }, [], 5);
    expect(
      verdicts({ scenario: scenario('crowd-declared'), tally: calm, elapsedSeconds: 9 }).map((v) => v.pass),
    ).toEqual([true, true]);

    const reported = { scenario: scenario('attacker-solves'), tally: tallied, elapsedSeconds: 9 };
    expect(verdicts(reported).map((verdict) => verdict.pass)).toEqual([undefined, undefined]);
    expect(overallVerdict(reported)).toBe('reported');
    expect(overallVerdict({ scenario: scenario('crowd-declared'), tally: calm, elapsedSeconds: 9 })).toBe(
      'PASS',
    );
  });
});
