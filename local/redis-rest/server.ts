import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { checkBrowserLockdown, isJsonContentType } from '../support/browser-lockdown.ts';
import { FaultInjector, parseFaultPlan } from '../support/faults.ts';
import { closeServer, listen } from '../support/http.ts';
import { createTokenCheck } from './auth.ts';
import { isScriptCommand } from './command-policy.ts';
import { CommandRunner } from './command-runner.ts';
import { entryJson, errorJson, resultJson } from './encoding.ts';
import { readBody, sendJson, sleep } from './http-io.ts';
import { RedisDeadlineError, RedisPool } from './redis-pool.ts';
import { parseRedisUrl } from './redis-url.ts';
import { BadRequestError, parseJsonBody, toCommand, toCommandList } from './request-body.ts';
import { RespError, type RespValue } from './resp-protocol.ts';
import { ScriptRegistry } from './script-registry.ts';
import { emptyStats, type RedisRestStats } from './stats.ts';

export type { RedisRestStats } from './stats.ts';

export interface RedisRestServerOptions {
  token: string;
  redisUrl: string;
  /** 0 = random free port (default). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Artificial delay before every protocol request (emulates the edge ↔ region distance). */
  latencyMs?: number;
  /** Log each request's command names (never their arguments) to stderr. */
  verbose?: boolean;
  /** How long one request may hold a pooled Redis connection (default 3000 ms), then 504. */
  replyDeadlineMs?: number;
}

export interface RedisRestServer {
  url: string;
  stats(): RedisRestStats;
  resetStats(): void;
  close(): Promise<void>;
}

type ProtocolKind = 'single' | 'pipeline' | 'transaction';

const PROTOCOL_ROUTES: ReadonlyMap<string, ProtocolKind> = new Map([
  ['/', 'single'],
  ['/pipeline', 'pipeline'],
  ['/multi-exec', 'transaction'],
]);

const MAX_BODY_BYTES = 10 * 1024 * 1024;

interface Reply {
  status: number;
  json: string;
  errors: number;
}

export async function startRedisRestServer(options: RedisRestServerOptions): Promise<RedisRestServer> {
  const pool = new RedisPool(parseRedisUrl(options.redisUrl), { replyDeadlineMs: options.replyDeadlineMs });
  try {
    // Fail at startup, with Redis's own words, rather than on the first request.
    const pong = await pool.withConnection((connection) => connection.call('PING'));
    if (pong instanceof RespError) throw new Error(`Redis refused PING: ${pong.message}`);
  } catch (error) {
    pool.close();
    throw error;
  }

  const runner = new CommandRunner(pool, new ScriptRegistry());
  const faults = new FaultInjector();
  const isAuthorized = createTokenCheck(options.token);
  const latencyMs = options.latencyMs ?? 0;
  let stats = emptyStats();
  let syncToken = 0;

  async function handleProtocol(kind: ProtocolKind, request: IncomingMessage, response: ServerResponse) {
    if (!isJsonContentType(request.headers['content-type'])) {
      return sendJson(response, 415, errorJson('ERR Content-Type must be application/json'), {
        connection: 'close',
      });
    }
    stats.requests += 1;
    if (kind === 'pipeline') stats.pipelines += 1;
    if (kind === 'transaction') stats.transactions += 1;
    const body = await readBody(request, MAX_BODY_BYTES);
    if (body.tooLarge) {
      stats.errors += 1;
      const json = errorJson(`ERR request body larger than ${MAX_BODY_BYTES} bytes`);
      return sendJson(response, 413, json, { connection: 'close' });
    }
    const fault = faults.take();
    await sleep(latencyMs + (fault?.delayMs ?? 0));
    const reply =
      fault !== null && fault.status !== null
        ? { status: fault.status, json: errorJson(`Injected fault: HTTP ${fault.status}`), errors: 1 }
        : await execute(
            kind,
            body.body,
            String(request.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64',
          );
    stats.errors += reply.errors;
    // @upstash/redis echoes this header on its next request (read-your-writes across replicas);
    // one Redis has nothing to wait for, so any increasing value is a faithful answer.
    syncToken += 1;
    sendJson(response, reply.status, reply.json, { 'upstash-sync-token': String(syncToken) });
  }

  async function execute(kind: ProtocolKind, rawBody: Buffer, base64: boolean): Promise<Reply> {
    let commands: string[][];
    try {
      const parsed = parseJsonBody(rawBody.toString('utf8'));
      commands = kind === 'single' ? [toCommand(parsed)] : toCommandList(parsed);
    } catch (error) {
      if (error instanceof BadRequestError) return { status: 400, json: errorJson(error.message), errors: 1 };
      throw error;
    }
    stats.commands += commands.length;
    stats.scripts += commands.filter(isScriptCommand).length;
    if (options.verbose) {
      console.error(
        `[redis-rest] ${kind}: ${commands.map((command) => command[0]?.toUpperCase()).join(' ')}`,
      );
    }

    let results: RespValue[];
    try {
      if (kind === 'transaction') {
        const outcome = await runner.transaction(commands);
        if (outcome.aborted) return { status: 400, json: errorJson(outcome.error), errors: 1 };
        results = outcome.results;
      } else {
        results = await runner.pipeline(commands);
      }
    } catch (error) {
      if (error instanceof RedisDeadlineError)
        return { status: 504, json: errorJson(`ERR ${error.message}`), errors: 1 };
      // The connection, not a command, failed: Upstash answers such outages with a 5xx too.
      const message = error instanceof Error ? error.message : String(error);
      return { status: 502, json: errorJson(`Redis unavailable: ${message}`), errors: 1 };
    }

    const errors = results.filter((result) => result instanceof RespError).length;
    if (kind === 'single') {
      const [result = null] = results;
      return result instanceof RespError
        ? { status: 400, json: errorJson(result.message), errors }
        : { status: 200, json: `{"result":${resultJson(result, base64)}}`, errors };
    }
    return { status: 200, json: `[${results.map((result) => entryJson(result, base64)).join(',')}]`, errors };
  }

  async function handleStats(request: IncomingMessage, response: ServerResponse) {
    if (request.method === 'GET') return sendJson(response, 200, JSON.stringify(stats));
    if (request.method === 'DELETE') {
      stats = emptyStats();
      return sendJson(response, 200, JSON.stringify(stats));
    }
    sendJson(response, 405, errorJson('Method not allowed: use GET or DELETE'), { allow: 'GET, DELETE' });
  }

  async function handleFaults(request: IncomingMessage, response: ServerResponse) {
    if (request.method === 'DELETE') {
      faults.clear();
      return sendJson(response, 200, '{"result":"OK"}');
    }
    if (request.method !== 'POST') {
      return sendJson(response, 405, errorJson('Method not allowed: use POST or DELETE'), {
        allow: 'POST, DELETE',
      });
    }
    if (!isJsonContentType(request.headers['content-type'])) {
      return sendJson(response, 415, errorJson('Content-Type must be application/json'));
    }
    const body = await readBody(request, 64 * 1024);
    let parsed: ReturnType<typeof parseFaultPlan>;
    try {
      parsed = body.tooLarge
        ? { ok: false, error: 'body too large' }
        : parseFaultPlan(JSON.parse(body.body.toString('utf8')));
    } catch {
      parsed = { ok: false, error: 'request body is not valid JSON' };
    }
    if (!parsed.ok) return sendJson(response, 400, errorJson(parsed.error));
    faults.arm(parsed.plan);
    sendJson(response, 200, '{"result":"OK"}');
  }

  const bindHost = options.host ?? '127.0.0.1';

  async function handle(request: IncomingMessage, response: ServerResponse) {
    // Before the token: a rebinding page (Host not a local name) or any page at all (an Origin,
    // which @upstash/redis never sends) cannot drive Redis, whatever it knows or guesses of the
    // token (local/support/browser-lockdown.ts).
    const lockdown = checkBrowserLockdown(request, { bindHost, allowOwnOrigin: false });
    if (!lockdown.ok)
      return sendJson(response, lockdown.status, errorJson(lockdown.reason), { connection: 'close' });
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const protocolKind = PROTOCOL_ROUTES.get(path);
    if (protocolKind === undefined && path !== '/__stats' && path !== '/__faults') {
      return sendJson(response, 404, errorJson(`Not found: ${path}`));
    }
    if (!isAuthorized(request))
      return sendJson(response, 401, errorJson('Unauthorized: invalid or missing token'));
    if (path === '/__stats') return handleStats(request, response);
    if (path === '/__faults') return handleFaults(request, response);
    if (request.method !== 'POST') {
      return sendJson(response, 405, errorJson('Method not allowed: use POST'), { allow: 'POST' });
    }
    if (protocolKind !== undefined) return handleProtocol(protocolKind, request, response);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      stats.errors += 1;
      const message = error instanceof Error ? error.message : String(error);
      sendJson(response, 500, errorJson(`Internal error: ${message}`));
    });
  });
  // Outlive undici's 4 s idle timeout so the client, not the server, retires idle keep-alive
  // sockets: otherwise a request can be written to a socket the server is closing (ECONNRESET).
  server.keepAliveTimeout = 30_000;

  let url: string;
  try {
    url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  } catch (error) {
    pool.close();
    throw error;
  }

  return {
    url,
    stats: () => ({ ...stats }),
    resetStats: () => {
      stats = emptyStats();
    },
    close: async () => {
      await closeServer(server);
      pool.close();
    },
  };
}
