import { describe, expect, it } from 'vitest';
import { cryptoRandom } from '../../../src/otp/ports.ts';
import { createVerificationIds } from '../../../src/otp/verification-id.ts';

const SECRET = 'unit-test-secret-0123456789abcdefghijkl';
const ROUTING = { phoneTag: `${'q'.repeat(42)}g`, country: 'GB', channel: 'sms' } as const;

describe('verification ids carry their app (docs/apps.md)', () => {
  it("seal another app's id into the id, and open to it; the default app's ids stay 90 characters", async () => {
    const ids = createVerificationIds(SECRET, cryptoRandom);
    const shop = await ids.issue({ ...ROUTING, app: 'shop' });
    expect(shop).toMatch(/^[A-Za-z0-9_-]{98}$/);
    expect(await ids.open(shop)).toEqual({ ...ROUTING, app: 'shop' });
    const longest = await ids.issue({ ...ROUTING, app: 'a'.repeat(16) });
    expect(await ids.open(longest)).toEqual({ ...ROUTING, app: 'a'.repeat(16) });
    // Within the 128 characters the HTTP schema accepts for an id.
    expect(longest.length).toBeLessThanOrEqual(128);
    const plain = await ids.issue({ ...ROUTING, app: 'default' });
    expect(plain).toMatch(/^[A-Za-z0-9_-]{90}$/);
    expect((await ids.open(plain))?.app).toBeUndefined();
  });

  it('refuse to seal an app id out of shape', async () => {
    const ids = createVerificationIds(SECRET, cryptoRandom);
    for (const app of ['Shop', 'a'.repeat(17), 'shop app', '']) {
      await expect(ids.issue({ ...ROUTING, app })).rejects.toThrow('out of shape');
    }
  });

  it('a changed character anywhere in an app id opens to nothing', async () => {
    const ids = createVerificationIds(SECRET, cryptoRandom);
    const id = await ids.issue({ ...ROUTING, app: 'blog' });
    for (const at of [0, 20, 60, 90, id.length - 2]) {
      const replacement = id[at] === 'A' ? 'B' : 'A';
      expect(await ids.open(`${id.slice(0, at)}${replacement}${id.slice(at + 1)}`)).toBeUndefined();
    }
  });

  it('carry an app and a store region together (docs/regions.md), at their longest within 128 characters', async () => {
    const ids = createVerificationIds(SECRET, cryptoRandom);
    const both = await ids.issue({ ...ROUTING, app: 'a'.repeat(16), region: 'r'.repeat(8) });
    expect(both.length).toBeLessThanOrEqual(128);
    expect(await ids.open(both)).toEqual({ ...ROUTING, app: 'a'.repeat(16), region: 'r'.repeat(8) });
    const regionOnly = await ids.issue({ ...ROUTING, region: 'eu' });
    expect(await ids.open(regionOnly)).toEqual({ ...ROUTING, region: 'eu' });
  });
});
