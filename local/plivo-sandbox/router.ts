import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendHtml, sendMethodNotAllowed, sendPlivoError } from './http-io.ts';
import { inboxContentSecurityPolicy, renderInboxPage } from './inbox-page.ts';
import { handleSendMessage, MESSAGE_PATH } from './message-endpoint.ts';
import { handleSandboxApi } from './sandbox-api.ts';
import type { SandboxContext } from './sandbox-context.ts';

export async function routeRequest(
  context: SandboxContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const method = request.method ?? 'GET';
  // Only the path and query matter; a fixed base keeps a hostile Host header out of URL parsing.
  const url = new URL(request.url ?? '/', 'http://sandbox.invalid');

  const accountId = MESSAGE_PATH.exec(url.pathname)?.[1];
  if (accountId !== undefined) {
    if (method === 'POST') await handleSendMessage(context, request, response, accountId);
    else sendMethodNotAllowed(response, ['POST']);
    return;
  }

  if (url.pathname === '/') {
    if (method === 'GET' || method === 'HEAD') serveInbox(context, response);
    else sendMethodNotAllowed(response, ['GET', 'HEAD']);
    return;
  }

  if (await handleSandboxApi(context, request, response, url)) return;
  sendPlivoError(response, 404, 'not found');
}

function serveInbox(context: SandboxContext, response: ServerResponse): void {
  const nonce = randomBytes(16).toString('base64');
  const html = renderInboxPage(context.messages.list(), { authId: context.authId, nonce });
  sendHtml(response, html, {
    'content-security-policy': inboxContentSecurityPolicy(nonce),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
}
