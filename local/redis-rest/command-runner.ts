import { refusalFor } from './command-policy.ts';
import type { RedisPool } from './redis-pool.ts';
import { RespError, type RespValue } from './resp-protocol.ts';
import type { PreparedCommand, ScriptRegistry } from './script-registry.ts';

export type TransactionOutcome = { aborted: false; results: RespValue[] } | { aborted: true; error: string };

interface PlannedCommand extends PreparedCommand {
  refusal?: string;
}

// Runs validated commands against Redis. Every call holds one pooled connection for its whole
// batch, so a pipeline runs in order and MULTI ... EXEC is never interleaved with other requests.
export class CommandRunner {
  readonly #pool: RedisPool;
  readonly #scripts: ScriptRegistry;

  constructor(pool: RedisPool, scripts: ScriptRegistry) {
    this.#pool = pool;
    this.#scripts = scripts;
  }

  async single(command: string[]): Promise<RespValue> {
    const [result] = await this.pipeline([command]);
    return result ?? null;
  }

  async pipeline(commands: string[][]): Promise<RespValue[]> {
    const plans = commands.map((command) => this.#plan(command));
    const runnable = plans.filter((plan) => plan.refusal === undefined);
    const replies =
      runnable.length === 0
        ? []
        : await this.#pool.withConnection((connection) => connection.send(runnable.map((plan) => plan.args)));
    let next = 0;
    return plans.map((plan) => {
      if (plan.refusal !== undefined) return new RespError(plan.refusal);
      return adapt(plan, replies[next++] ?? null);
    });
  }

  async transaction(commands: string[][]): Promise<TransactionOutcome> {
    const plans = commands.map((command) => this.#plan(command));
    const refused = plans.find((plan) => plan.refusal !== undefined);
    if (refused?.refusal !== undefined) {
      return {
        aborted: true,
        error: `EXECABORT Transaction discarded because of previous errors: ${refused.refusal}`,
      };
    }
    const replies = await this.#pool.withConnection((connection) =>
      connection.send([['MULTI'], ...plans.map((plan) => plan.args), ['EXEC']]),
    );
    const queued = replies.slice(1, -1);
    const exec = replies.at(-1) ?? null;
    if (exec instanceof RespError) {
      // Redis says only "previous errors"; the queue-time error says which command and why.
      const cause = queued.find((reply): reply is RespError => reply instanceof RespError);
      return { aborted: true, error: cause ? `${exec.message}: ${cause.message}` : exec.message };
    }
    if (!Array.isArray(exec)) return { aborted: true, error: 'EXECABORT Transaction aborted' };
    return { aborted: false, results: plans.map((plan, i) => adapt(plan, exec[i] ?? null)) };
  }

  #plan(command: string[]): PlannedCommand {
    const refusal = refusalFor(command);
    if (refusal !== undefined) return { args: command, refusal };
    return this.#scripts.prepare(command);
  }
}

function adapt(plan: PreparedCommand, reply: RespValue): RespValue {
  if (reply instanceof RespError || plan.adaptReply === undefined) return reply;
  return plan.adaptReply(reply);
}
