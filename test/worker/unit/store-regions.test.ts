import { describe, expect, it } from 'vitest';
import { parseStoreRegions } from '../../../src/config/store-regions.ts';
import { deriveAeadKey, GCM_IV_BYTES } from '../../../src/otp/aead-key.ts';
import { base64url, fromBase64url } from '../../../src/otp/base64url.ts';
import { cryptoRandom } from '../../../src/otp/ports.ts';
import { createVerificationIds } from '../../../src/otp/verification-id.ts';

const SECRET = 'unit-test-secret-0123456789abcdefghijkl';
const ROUTING = { phoneTag: `${'q'.repeat(42)}g`, country: 'AU', channel: 'sms' } as const;

describe('a verification id carries its store region sealed', () => {
  it('opens to the region it was issued in; without one it is the old 90-character id', async () => {
    const ids = createVerificationIds(SECRET, cryptoRandom);
    const regional = await ids.issue({ ...ROUTING, region: 'ap-south' });
    expect(regional).toMatch(/^[A-Za-z0-9_-]{103}$/);
    expect(await ids.open(regional)).toEqual({ ...ROUTING, region: 'ap-south' });
    expect(regional).not.toContain('ap-south');
    const plain = await ids.issue(ROUTING);
    expect(plain).toHaveLength(90);
    expect(await ids.open(plain)).toEqual(ROUTING);
    expect((await ids.open(plain))?.region).toBeUndefined();
  });

  it('a region cannot be cut off or grafted: a shortened or altered id opens to nothing', async () => {
    const ids = createVerificationIds(SECRET, cryptoRandom);
    const regional = await ids.issue({ ...ROUTING, region: 'eu' });
    const bytes = fromBase64url(regional) as Uint8Array;
    // The old length with the region dropped: the seal's tag no longer matches.
    expect(await ids.open(base64url(bytes.slice(0, 67)))).toBeUndefined();
    expect(await ids.open(base64url(bytes.slice(0, -1)))).toBeUndefined();
  });

  it('an optional field this build does not know fails to open rather than being ignored', async () => {
    const capability = new Uint8Array(16);
    crypto.getRandomValues(capability);
    const plain = new Uint8Array(35 + 4);
    plain.set(fromBase64url(ROUTING.phoneTag) as Uint8Array);
    plain.set(new TextEncoder().encode('AU'), 32);
    plain[34] = 0;
    plain.set([9, 2, 1, 2], 35);
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: capability.slice(0, GCM_IV_BYTES), additionalData: capability },
      await deriveAeadKey(SECRET, 'verification-id'),
      plain,
    );
    const id = new Uint8Array(16 + sealed.byteLength);
    id.set(capability);
    id.set(new Uint8Array(sealed), 16);
    expect(await createVerificationIds(SECRET, cryptoRandom).open(base64url(id))).toBeUndefined();
  });

  it('a region name out of shape is refused at issue', async () => {
    const ids = createVerificationIds(SECRET, cryptoRandom);
    await expect(ids.issue({ ...ROUTING, region: 'EU' })).rejects.toThrow(/out of shape/);
  });
});

describe('STORE_REGIONS, STORE_REGION_TOKENS and STORE_REGION_COUNTRIES', () => {
  const valid = {
    STORE_REGIONS: 'eu=https://eu1.upstash.io, ap=https://ap1.upstash.io',
    STORE_REGION_TOKENS: 'eu=AXeu0123==,ap=AXap4567=',
    STORE_REGION_COUNTRIES: 'eu:GB,DE,FR; ap:AU,NZ',
  };

  it('none set: one store, as before', () => {
    expect(parseStoreRegions({})).toEqual({ ok: true, settings: { regions: [], countryRegions: new Map() } });
  });

  it('reads regions, their tokens (padding kept) and the country map', () => {
    const parsed = parseStoreRegions(valid);
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    expect(parsed.settings.regions).toEqual([
      { name: 'eu', url: 'https://eu1.upstash.io', token: 'AXeu0123==' },
      { name: 'ap', url: 'https://ap1.upstash.io', token: 'AXap4567=' },
    ]);
    expect(Object.fromEntries(parsed.settings.countryRegions)).toEqual({
      GB: 'eu',
      DE: 'eu',
      FR: 'eu',
      AU: 'ap',
      NZ: 'ap',
    });
  });

  it('names every mistake, never a token', () => {
    const parsed = parseStoreRegions({
      STORE_REGIONS:
        'eu=https://eu1.upstash.io,eu=https://again.io,default=https://x.io,Asia=https://y.io,us=ftp://z',
      STORE_REGION_TOKENS: 'eu=secret-eu-token,sa=secret-sa-token',
      STORE_REGION_COUNTRIES: 'eu:GB,gb,DE;eu:DE;mars:FR;nonsense',
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([
      'STORE_REGIONS: region eu is listed twice',
      "STORE_REGIONS: default is UPSTASH_REDIS_REST_URL's region; name yours otherwise",
      'STORE_REGIONS: entry 4 must be NAME=VALUE, the name 1-8 of a-z, 0-9 and - starting with a letter',
      'STORE_REGIONS: region us needs an http(s) URL',
      'STORE_REGION_TOKENS: no token for region us',
      'STORE_REGION_TOKENS: region sa is not in STORE_REGIONS',
      'STORE_REGION_COUNTRIES: region eu lists "gb", not an ISO country code in capitals',
      'STORE_REGION_COUNTRIES: DE is listed twice for eu',
      'STORE_REGION_COUNTRIES: region mars is not in STORE_REGIONS',
      'STORE_REGION_COUNTRIES: entry 4 must be REGION:COUNTRY,COUNTRY like eu:GB,DE,FR',
    ]);
    expect(parsed.problems.join(' ')).not.toContain('secret');
  });
});
