import { describe, expect, it } from 'vitest';
import { createBindingSeal } from '../../../src/otp/binding-seal.ts';
import { cryptoRandom } from '../../../src/otp/ports.ts';
import { createVerificationIds } from '../../../src/otp/verification-id.ts';

const SECRET = 'unit-test-secret-0123456789abcdefghijkl';
const ROUTING = { phoneTag: `${'q'.repeat(42)}g`, country: 'GB', channel: 'voice' } as const;

function flipped(text: string, at: number): string {
  const replacement = text[at] === 'A' ? 'B' : 'A';
  return `${text.slice(0, at)}${replacement}${text.slice(at + 1)}`;
}

describe('verification ids', () => {
  it('open to the routing they were issued with: 90 url-safe characters, never the same twice', async () => {
    const ids = createVerificationIds(SECRET, cryptoRandom);
    const [first, second] = [await ids.issue(ROUTING), await ids.issue(ROUTING)];
    expect(first).toMatch(/^[A-Za-z0-9_-]{90}$/);
    expect(first).not.toBe(second);
    expect(await ids.open(first)).toEqual(ROUTING);
  });

  it('any changed character, another secret, or a made-up id opens to nothing', async () => {
    const id = await createVerificationIds(SECRET, cryptoRandom).issue(ROUTING);
    const ids = createVerificationIds(SECRET, cryptoRandom);
    for (const at of [0, 15, 16, 40, 89]) expect(await ids.open(flipped(id, at))).toBeUndefined();
    expect(await createVerificationIds(`${SECRET}x`, cryptoRandom).open(id)).toBeUndefined();
    for (const junk of ['', 'A'.repeat(90), `${id}A`, id.slice(1), '!'.repeat(90)]) {
      expect(await ids.open(junk)).toBeUndefined();
    }
    // The last character's 2 unused bits: another spelling of the same bytes is not the id.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(id.slice(-1));
    expect(await ids.open(`${id.slice(0, -1)}${alphabet[last ^ 1]}`)).toBeUndefined();
  });
});

describe('sealed bindings', () => {
  const binding = { e164: '+447700900123', channel: 'sms', testNumber: false, nonce: 'n-1' } as const;

  it('open only under the id they were sealed for, and hold no readable number', async () => {
    const seal = createBindingSeal(SECRET, cryptoRandom);
    const sealed = await seal.seal('id-one', binding);
    expect(sealed).not.toContain('447700900123');
    expect(atob(sealed.replace(/-/g, '+').replace(/_/g, '/'))).not.toContain('447700900123');
    expect(await seal.open('id-one', sealed)).toEqual(binding);
    // Moved to another record, it does not open there.
    expect(await seal.open('id-two', sealed)).toBeUndefined();
    expect(await seal.open('id-one', flipped(sealed, 20))).toBeUndefined();
  });
});
