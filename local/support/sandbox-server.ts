// The node:http server under each sandbox: it hands every request to the sandbox's router, and
// answers what the router could not (an unexpected error, HTTP too malformed to reach it) in the
// vendor's error shape, so a client sees one protocol whatever went wrong.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface SandboxServerOptions {
  route(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** Aborted when the sandbox closes: a request failing then has nobody left to answer. */
  shutdown: AbortSignal;
  log(line: string): void;
  /** A 500 in the vendor's error shape, for a request the router failed on before answering. */
  answerInternalError(response: ServerResponse): void;
  /** The JSON body of the 400 that answers unparseable HTTP, in the vendor's error shape. */
  badRequestJson: string;
}

export function createSandboxServer(options: SandboxServerOptions): Server {
  const server = createServer((request, response) => {
    options.route(request, response).catch((error: unknown) => {
      // Nobody left to answer: the sandbox is closing (requests waiting out a delay are aborted) or
      // the client hung up mid-request.
      if (options.shutdown.aborted || response.socket === null || response.socket.destroyed) return;
      options.log(
        `request ${request.method} ${request.url} failed: ${error instanceof Error ? error.stack : String(error)}`,
      );
      if (!response.headersSent) options.answerInternalError(response);
      else response.destroy();
    });
  });
  // Unparseable HTTP never reaches the router: answer it like any other bad request.
  server.on('clientError', (_error, socket) => {
    if (!socket.writable) return socket.destroy();
    const body = options.badRequestJson;
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}
