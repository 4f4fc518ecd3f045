import { describe, expect, it } from 'vitest';
import {
  expandWord,
  parseCurl,
  parseCurlBlock,
  shapeMismatches,
  splitShellWords,
} from '../support/doc-examples.ts';

// How test/browser/doc-examples.test.ts reads a doc's curl block and the answers it shows
// (docs/testing.md, "Examples are tests"): as a reader's shell and curl would, and no more.

describe('the curl reader reads a command as a shell and curl would', () => {
  const read = (line: string, variables: Record<string, string> = {}) =>
    parseCurl(splitShellWords(line).map((word) => expandWord(word, (name) => variables[name] ?? '')));

  it('quotes, variables, methods and headers', () => {
    expect(
      read(`curl -s -X DELETE "127.0.0.1:8079/__stats" -H "authorization: Bearer $TOKEN" # a note`, {
        TOKEN: 't',
      }),
    ).toEqual({
      method: 'DELETE',
      url: 'http://127.0.0.1:8079/__stats',
      headers: [['authorization', 'Bearer t']],
      body: undefined,
    });
    expect(
      read(`curl -s 127.0.0.1:8787/otp/request -H 'content-type: application/json' -d '{"a":"b c"}'`),
    ).toEqual({
      method: 'POST',
      url: 'http://127.0.0.1:8787/otp/request',
      headers: [['content-type', 'application/json']],
      body: '{"a":"b c"}',
    });
  });

  it('sends -d as a form without a content-type, as curl does', () => {
    expect(read(`curl 127.0.0.1:8787/otp/request -d 'phone=+1'`).headers).toEqual([
      ['content-type', 'application/x-www-form-urlencoded'],
    ]);
  });

  it('refuses what a reader could not paste or the runner would not honour', () => {
    expect(() => splitShellWords('curl -s 127.0.0.1:8787/otp/verifications/<id>')).toThrow(/metacharacter </);
    expect(() => read('curl -i 127.0.0.1:8787/health')).toThrow(/option -i/);
    expect(() => parseCurlBlock('npm run dev')).toThrow(/not a curl command/);
    expect(() => parseCurlBlock('curl -s 127.0.0.1:8787/health\n# {"status": ok}')).toThrow(/not JSON/);
  });

  it('joins continuation lines and reads the answer shown after a command', () => {
    const [step] = parseCurlBlock(
      `curl -s 127.0.0.1:8787/otp/request \\\n  -d '{}'\n# a note\n# 400 {"error":{}}`,
    );
    expect(step?.line).toBe(1);
    expect(step?.expect).toEqual({ status: 400, json: { error: {} } });
  });
});

describe('an answer against the shape a doc shows', () => {
  it('needs every key shown, allows more, and takes "<...>" for any value', () => {
    const answer = { verificationId: 'abc', status: 'pending', channel: 'sms', extra: 1 };
    expect(shapeMismatches(answer, { verificationId: '<id>', status: 'pending' })).toEqual([]);
    expect(shapeMismatches(answer, { status: 'approved' })).toEqual([
      '$.status: expected "approved", got "pending"',
    ]);
    expect(shapeMismatches(answer, { receipt: '<JWT>' })).toEqual(['$.receipt: missing (shown as <JWT>)']);
    expect(shapeMismatches([{ a: 1 }, { a: 2 }], [{ a: 1 }])).toEqual([]);
    expect(shapeMismatches([], [{ a: 1 }])).toEqual(['$: expected at least 1 element(s), got 0']);
  });
});
