import { describe, expect, it } from 'vitest';
import { receiptNonce, transactionBinding } from '../../../src/http/schemas.ts';
import { isReceiptNonce } from '../../../src/otp/receipt-nonce.ts';
import { checkTransaction, LONGEST_AMOUNT, type Transaction } from '../../../src/otp/transaction.ts';

const ACME: Transaction = { amount: '1250.00', currency: 'EUR', payee: 'ACME Ltd' };

/** Both gates, the HTTP schema and the domain check, must say the same about every input. */
function verdicts(candidate: Transaction) {
  const domain = checkTransaction(candidate);
  const http = transactionBinding.safeParse(candidate);
  expect(http.success, JSON.stringify(candidate)).toBe(domain.ok);
  return domain;
}

describe('transaction amount', () => {
  it.each(['0', '0.5', '1250.00', '1250.0', '7', '999999999999', LONGEST_AMOUNT, '10.1234'])(
    'accepts %s',
    (amount) => {
      expect(verdicts({ ...ACME, amount })).toEqual({ ok: true, transaction: { ...ACME, amount } });
    },
  );

  it.each([
    ['', 'empty'],
    ['01250.00', 'a leading zero'],
    ['-5', 'a sign'],
    ['+5', 'a plus sign'],
    ['1,250.00', 'a thousands separator'],
    ['1250,00', 'a decimal comma'],
    ['1e3', 'an exponent'],
    ['1250.', 'a bare point'],
    ['.5', 'no integer part'],
    ['1.12345', 'five decimals'],
    ['1000000000000', 'thirteen integer digits'],
    [' 12', 'a space'],
    ['١٢', 'non-ASCII digits'],
  ])('refuses %j (%s)', (amount) => {
    expect(verdicts({ ...ACME, amount })).toMatchObject({ ok: false, field: 'amount' });
  });
});

describe('transaction currency', () => {
  it.each(['EUR', 'USD', 'JPY', 'CHF'])('accepts %s', (currency) => {
    expect(verdicts({ ...ACME, currency }).ok).toBe(true);
  });
  it.each(['eur', 'EURO', 'EU', '€', 'E1R', ''])('refuses %j', (currency) => {
    expect(verdicts({ ...ACME, currency })).toMatchObject({ ok: false, field: 'currency' });
  });
});

describe('transaction payee', () => {
  it.each([
    'ACME Ltd',
    'Müller & Söhne GmbH',
    'Café de Flore',
    "O'Brien Ltd.",
    'A',
    'X'.repeat(35),
    'Ab Co (No. 7) - 50% off!',
  ])('accepts %j', (payee) => {
    expect(verdicts({ ...ACME, payee })).toEqual({ ok: true, transaction: { ...ACME, payee } });
  });

  it.each([
    ['', 'empty'],
    ['X'.repeat(36), '36 characters'],
    [' ACME', 'a leading space'],
    ['ACME ', 'a trailing space'],
    ['ACME\nLtd', 'a line break, which could forge a last line'],
    ['ACME\rLtd', 'a carriage return'],
    ['sales@acme.example', 'an @, GSM-7 septet 0x00'],
    ['ACME €', 'an extension character (two septets)'],
    ['ACME {Ltd}', 'braces (extension characters)'],
    ['Łódź Sp. z o.o.', 'letters outside GSM-7'],
    ['ACME\u0000', 'a control character'],
    ['ACME 🚀', 'an emoji'],
    ['ACME\tLtd', 'a tab'],
  ])('refuses %j (%s)', (payee) => {
    const verdict = verdicts({ ...ACME, payee });
    expect(verdict).toMatchObject({ ok: false, field: 'payee' });
    if (!verdict.ok) expect(verdict.problem).not.toContain(payee || '\u0001');
  });

  it('the HTTP schema refuses unknown fields and missing ones, and says which field is wrong', () => {
    expect(transactionBinding.safeParse({ ...ACME, iban: 'DE89370400440532013000' }).success).toBe(false);
    expect(transactionBinding.safeParse({ amount: '1', currency: 'EUR' }).success).toBe(false);
    expect(transactionBinding.safeParse({ ...ACME, amount: 1250 }).success).toBe(false);
    const wrongPayee = transactionBinding.safeParse({ ...ACME, payee: ' ACME' });
    expect(wrongPayee.success).toBe(false);
    expect(wrongPayee.error?.issues).toMatchObject([
      { path: ['payee'], message: 'must not start or end with a space' },
    ]);
  });
});

describe('nonce', () => {
  it.each(['a', 'login-7f3a9c2e', 'x'.repeat(128), '{"attempt":42}', '~!@#$%^&*()_+'])(
    'accepts %j',
    (nonce) => {
      expect(isReceiptNonce(nonce)).toBe(true);
      expect(receiptNonce.safeParse(nonce).success).toBe(true);
    },
  );

  it.each([
    ['', 'empty'],
    ['x'.repeat(129), '129 characters'],
    ['login 42', 'a space'],
    [' login', 'a leading space'],
    ['login\n', 'a line break'],
    ['connexion-é', 'non-ASCII'],
    ['\u0000', 'a control character'],
  ])('refuses %j (%s)', (nonce) => {
    expect(isReceiptNonce(nonce)).toBe(false);
    expect(receiptNonce.safeParse(nonce).success).toBe(false);
  });
});
