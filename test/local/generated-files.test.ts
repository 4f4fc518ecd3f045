import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { LOCAL_RESULTS_FILE, RESULTS_FILE, resultsDestination } from '../../bench/report.ts';

// Trying the documented commands must leave `git status` clean: what they write is either ignored or
// written only when asked for.

function ignoredByGit(path: string): boolean {
  try {
    execFileSync('git', ['check-ignore', '--quiet', '--no-index', path]);
    return true;
  } catch {
    return false;
  }
}

describe('files the documented commands write', () => {
  it('a client tarball packed into the checkout (npm pack ./packages/client) is ignored', () => {
    expect(ignoredByGit('otp-edge-client-0.1.0.tgz')).toBe(true);
    expect(ignoredByGit('packages/client/otp-edge-client-0.1.0.tgz')).toBe(true);
  });

  it('a bench writes the untracked bench/results.local.md unless asked for the tracked file', () => {
    expect(resultsDestination({})).toBe(LOCAL_RESULTS_FILE);
    expect(ignoredByGit('bench/results.local.md')).toBe(true);
    expect(resultsDestination({ write: true })).toBe(RESULTS_FILE);
    expect(ignoredByGit('bench/results.md')).toBe(false);
    expect(resultsDestination({ 'no-write': true })).toBeUndefined();
  });

  it('the check above can fail: a tracked source file is not ignored', () => {
    expect(ignoredByGit('package.json')).toBe(false);
  });
});
