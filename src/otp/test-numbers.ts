/**
 * Test numbers (TEST_NUMBERS): configured numbers that never get an SMS and take a fixed code, for
 * app-store review, QA and CI. Everything else about them is ordinary: the same verification
 * session, attempts, failure caps and send limits. Many sit in ranges reserved for fiction (UK
 * 07700 900xxx) that the phone metadata calls invalid, so they are matched as configured, before
 * the metadata is asked.
 */
export interface TestNumbers {
  /** E.164 number → its fixed code. */
  readonly codes: ReadonlyMap<string, string>;
  /** After this instant (epoch ms) they are ordinary numbers again; undefined: no end. */
  readonly expiresAtMs: number | undefined;
}

export const NO_TEST_NUMBERS: TestNumbers = { codes: new Map(), expiresAtMs: undefined };

const E164 = /^\+[1-9][0-9]{5,14}$/;
const SEPARATORS = /[ ().-]/g;

export type TestNumbersParse = { ok: true; testNumbers: TestNumbers } | { ok: false; problems: string[] };

/**
 * `+447700900123:424242,+15005550006:000000`; each code exactly `codeLength` ASCII digits. Problems
 * name the entry's position, never the number or the code (the log line must not carry them).
 */
export function parseTestNumbers(
  list: string | undefined,
  expireAt: string | undefined,
  codeLength: number,
): TestNumbersParse {
  const problems: string[] = [];
  const codes = new Map<string, string>();
  const entries = (list ?? '').split(',').filter((entry) => entry.trim() !== '');
  entries.forEach((entry, index) => {
    const [number, code, ...rest] = entry.trim().split(':');
    if (number === undefined || !E164.test(number) || rest.length > 0) {
      problems.push(`TEST_NUMBERS: entry ${index + 1} must be +E164:code`);
    } else if (code === undefined || !new RegExp(`^[0-9]{${codeLength}}$`).test(code)) {
      problems.push(
        `TEST_NUMBERS: entry ${index + 1} needs a code of exactly ${codeLength} digits (OTP_LENGTH)`,
      );
    } else {
      codes.set(number, code);
    }
  });
  let expiresAtMs: number | undefined;
  if (expireAt !== undefined) {
    expiresAtMs = Date.parse(expireAt);
    if (!/^\d{4}-\d{2}-\d{2}/.test(expireAt) || Number.isNaN(expiresAtMs)) {
      problems.push('TEST_NUMBERS_EXPIRE_AT: must be an ISO 8601 date such as 2030-01-31T00:00:00Z');
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, testNumbers: { codes, expiresAtMs } };
}

/** Whether the configured test numbers have become ordinary numbers at `nowMs`. */
export function testNumbersExpired(testNumbers: TestNumbers, nowMs: number): boolean {
  return (
    testNumbers.codes.size > 0 && testNumbers.expiresAtMs !== undefined && nowMs >= testNumbers.expiresAtMs
  );
}

/**
 * The test number the caller typed, if it is one still in force: the input with its separators
 * removed must equal a configured E.164 number exactly.
 */
export function findTestNumber(
  input: string,
  testNumbers: TestNumbers,
  nowMs: number,
): { e164: string; code: string } | undefined {
  if (testNumbers.codes.size === 0 || testNumbersExpired(testNumbers, nowMs)) return undefined;
  const e164 = input.trim().replace(SEPARATORS, '');
  const code = testNumbers.codes.get(e164);
  return code === undefined ? undefined : { e164, code };
}
