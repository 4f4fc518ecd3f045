import { createHash } from 'node:crypto';
import type { RespValue } from './resp-protocol.ts';
import { stripUnsupportedShebangFlags } from './script-flags.ts';

// Clients address scripts by the SHA1 of the text they hold; after a shebang rewrite Redis knows
// the script under a different SHA1. This remembers original → rewritten so the client's EVALSHA
// keeps its one-round-trip path instead of NOSCRIPT → EVAL on every call.
const MAX_REMEMBERED_SCRIPTS = 10_000;

export interface PreparedCommand {
  args: string[];
  // Turns Redis's reply back into what the client expects (SCRIPT LOAD answers the original SHA).
  adaptReply?: (reply: RespValue) => RespValue;
}

export function sha1Hex(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

export class ScriptRegistry {
  readonly #rewrittenShaByOriginal = new Map<string, string>();

  prepare(args: string[]): PreparedCommand {
    const name = args[0]?.toLowerCase();
    switch (name) {
      case 'eval':
      case 'eval_ro':
        return { args: this.#withRewrittenScript(args, 1) };
      case 'evalsha':
      case 'evalsha_ro':
        return { args: this.#withMappedShas(args, 1, 2) };
      case 'script':
        return this.#prepareScriptSubcommand(args);
      default:
        return { args };
    }
  }

  #prepareScriptSubcommand(args: string[]): PreparedCommand {
    const subcommand = args[1]?.toLowerCase();
    if (subcommand === 'exists') return { args: this.#withMappedShas(args, 2, args.length) };
    const script = args[2];
    if (subcommand !== 'load' || script === undefined) return { args };
    const rewritten = this.#withRewrittenScript(args, 2);
    if (rewritten === args) return { args };
    const originalSha = Buffer.from(sha1Hex(script));
    return { args: rewritten, adaptReply: (reply) => (Buffer.isBuffer(reply) ? originalSha : reply) };
  }

  #withRewrittenScript(args: string[], index: number): string[] {
    const script = args[index];
    if (script === undefined) return args;
    const rewritten = stripUnsupportedShebangFlags(script);
    if (rewritten === undefined) return args;
    this.#remember(sha1Hex(script), sha1Hex(rewritten));
    return args.map((arg, i) => (i === index ? rewritten : arg));
  }

  #withMappedShas(args: string[], from: number, to: number): string[] {
    return args.map((arg, i) =>
      i >= from && i < to ? (this.#rewrittenShaByOriginal.get(arg.toLowerCase()) ?? arg) : arg,
    );
  }

  #remember(originalSha: string, rewrittenSha: string): void {
    if (this.#rewrittenShaByOriginal.has(originalSha)) return;
    if (this.#rewrittenShaByOriginal.size >= MAX_REMEMBERED_SCRIPTS) {
      const oldest = this.#rewrittenShaByOriginal.keys().next().value;
      if (oldest !== undefined) this.#rewrittenShaByOriginal.delete(oldest);
    }
    this.#rewrittenShaByOriginal.set(originalSha, rewrittenSha);
  }
}
