/**
 * A throwaway checkout of another commit (`git worktree add --detach`), sharing this one's
 * node_modules, so the bench can build the Worker as it was ("before") with today's harness.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './build-bundle.ts';

export interface Checkout {
  root: string;
  /** The commit, abbreviated. */
  commit: string;
  remove(): void;
}

export function checkoutCommit(revision: string): Checkout {
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'otp-edge-checkout-')), 'repo');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const commit = git('rev-parse', '--short', revision);
  git('worktree', 'add', '--detach', root, commit);
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  return {
    root,
    commit,
    remove: () => {
      git('worktree', 'remove', '--force', root);
      rmSync(path.dirname(root), { recursive: true, force: true });
    },
  };
}
