import { Hono } from 'hono';
import { STATUS_CALLBACK_PATH } from '../../config/config.ts';
import type { CallbackParam } from '../../otp/ports.ts';
import { recordDelivery } from '../../otp/record-delivery.ts';
import type { AppEnv } from '../app-env.ts';
import type { DocumentedRoute } from '../documented-route.ts';
import { errorResponse } from '../error-response.ts';
import { formBodyOnly } from '../middleware/form-body-only.ts';
import { deliveryCallbackForm, deliveryCallbackResponse } from '../schemas.ts';

export const deliveryWebhookDoc: DocumentedRoute = {
  method: 'post',
  path: STATUS_CALLBACK_PATH,
  summary: 'Delivery-status callback from Plivo',
  description:
    'For Plivo only. Each SMS asks Plivo to call PUBLIC_BASE_URL + this path; without PUBLIC_BASE_URL the endpoint answers 404. ' +
    'Requests must carry `X-Plivo-Signature-V3` (or `-Ma-V3`) and `X-Plivo-Signature-V3-Nonce`, computed over that exact URL with the Plivo auth token. ' +
    '`X-Plivo-Signature-V2` alone is refused unless PLIVO_ACCEPT_V2_SIGNATURES is on (old accounts); then it is accepted only when no V3 header is present, and each V2 nonce only once. The same fields as query parameters on GET are accepted too. Only messages this service sent and still tracks (2 days from the send) count; repeats (same MessageUUID and Sequence) and out-of-order callbacks change nothing.',
  requestBody: deliveryCallbackForm,
  requestMediaType: 'application/x-www-form-urlencoded',
  success: {
    status: 200,
    description:
      'Signed and read: recorded, a harmless repeat, or ignored (a 2xx: Plivo retries anything else).',
    schema: deliveryCallbackResponse,
  },
  errors: [
    'invalid_request',
    'invalid_signature',
    'not_found',
    'payload_too_large',
    'unsupported_media_type',
    'unavailable',
    'misconfigured',
  ],
};

export const deliveryWebhookRoutes = new Hono<AppEnv>().on(
  ['GET', 'POST'],
  STATUS_CALLBACK_PATH,
  formBodyOnly(),
  async (c) => {
    const method = c.req.method === 'GET' ? 'GET' : 'POST';
    // A form is ASCII (percent-encoded); decoding bytes ourselves spares workerd's text() warning.
    const params: CallbackParam[] =
      method === 'GET'
        ? [...new URL(c.req.url).searchParams]
        : [...new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()))];
    const outcome = await recordDelivery(
      { method, params, header: (name) => c.req.header(name) },
      c.get('services'),
    );
    const log = c.get('log');
    switch (outcome.kind) {
      case 'not_found':
        return errorResponse(c, 'not_found');
      case 'invalid_signature':
        // `v2_not_accepted` tells an operator with an old V2-only account which setting to turn on.
        log.detail =
          outcome.reason === 'nonce_reused' ? 'plivo v2 nonce reused' : `plivo signature ${outcome.reason}`;
        return errorResponse(c, 'invalid_signature');
      case 'invalid_request':
        return errorResponse(c, 'invalid_request', { extra: { issues: outcome.problems } });
      case 'recorded':
      case 'duplicate':
      case 'stale':
      case 'ignored': {
        const { report, signedWith } = outcome;
        // `auto`: the call the failed SMS set off (or why none went out).
        const by = outcome.fallbackBy === 'failover' ? 'failover' : 'auto call';
        const fallback = outcome.fallback ? `; ${by}: ${outcome.fallback}` : '';
        log.detail = `${report.status} #${report.sequence}${report.errorCode ? ` error ${report.errorCode}` : ''} (${signedWith})${fallback}`;
        log.outcome = outcome.kind;
        return c.json({ status: outcome.kind }, 200);
      }
    }
  },
);
