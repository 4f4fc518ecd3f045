// A sandbox's command line (local/*/cli.ts) run as a child process, as a developer runs it: a bare
// environment (PATH and what the test gives), its output collected, and killed after each test if
// it is still running.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
}

export interface StartedCli extends CliRun {
  /** The ready line, matched: its groups are what the CLI reports (URL, account...). */
  ready: RegExpExecArray;
}

/** `run` and `start` the CLI at `script`; a test file calls `killAll` after each test. */
export function cliRunner(script: string) {
  const children: ChildProcess[] = [];

  function run(args: string[], env: Record<string, string> = {}): CliRun {
    const child = spawn(process.execPath, [script, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    return { child, stdout: () => stdout, stderr: () => stderr };
  }

  /** Runs the CLI and waits up to 15 s for the line `ready` matches; fails with its output if it never comes. */
  async function start(args: string[], ready: RegExp, env: Record<string, string> = {}): Promise<StartedCli> {
    const cli = run(args, env);
    const deadline = Date.now() + 15_000;
    let match = ready.exec(cli.stdout());
    while (!match) {
      if (Date.now() > deadline || cli.child.exitCode !== null) {
        throw new Error(`CLI never became ready; stdout: ${cli.stdout()} stderr: ${cli.stderr()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      match = ready.exec(cli.stdout());
    }
    return { ...cli, ready: match };
  }

  function killAll(): void {
    for (const child of children.splice(0))
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  return { run, start, killAll };
}

export async function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return { code: child.exitCode, signal: child.signalCode };
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  return { code, signal };
}
