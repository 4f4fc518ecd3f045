import { Hono } from 'hono';
import { type CallbackParam, verifyPlivoSignature } from '../../adapters/plivo/callback-signature.ts';
import { parseDeliveryReport } from '../../adapters/plivo/delivery-report.ts';
import { STATUS_CALLBACK_PATH } from '../../config/config.ts';
import { hourBucket } from '../../stats/hour-bucket.ts';
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
    'Requests must carry `X-Plivo-Signature-V3` (or `-Ma-V3`) and `X-Plivo-Signature-V3-Nonce`, computed over that exact URL with the Plivo auth token; ' +
    '`X-Plivo-Signature-V2` is accepted only when no V3 header is present, and each V2 nonce only once. ' +
    'The same fields as query parameters on GET are accepted too. Repeats (same MessageUUID and Sequence) and out-of-order callbacks change nothing.',
  requestBody: deliveryCallbackForm,
  requestMediaType: 'application/x-www-form-urlencoded',
  success: {
    status: 200,
    description: 'Signed and read: recorded, or a harmless repeat.',
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
    const config = c.get('config');
    // The URL Plivo was given, never the one this request claims to have reached: the signature
    // must bind to our public address, and Host is whatever the sender wrote.
    const signedUrl = config.plivo.statusCallbackUrl;
    if (signedUrl === undefined) return errorResponse(c, 'not_found');
    const log = c.get('log');

    const method = c.req.method === 'GET' ? 'GET' : 'POST';
    // A form is ASCII (percent-encoded); decoding bytes ourselves spares workerd's text() warning.
    const params: CallbackParam[] =
      method === 'GET'
        ? [...new URL(c.req.url).searchParams]
        : [...new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()))];
    const signature = await verifyPlivoSignature(
      { method, params, header: (name) => c.req.header(name) },
      signedUrl,
      config.plivo.authToken,
    );
    if (!signature.valid) {
      log.detail = `plivo signature ${signature.reason}`;
      return errorResponse(c, 'invalid_signature');
    }

    const parsed = parseDeliveryReport(params);
    if (!parsed.ok) return errorResponse(c, 'invalid_request', { extra: { issues: parsed.issues } });
    const { report } = parsed;
    // The country only: `To` is a phone number and goes nowhere.
    log.country = report.country;
    log.detail = `${report.status} #${report.sequence}${report.errorCode ? ` error ${report.errorCode}` : ''} (${signature.version})`;

    const nowMs = c.get('runtime').clock.nowMs();
    const recorded = await c.get('services').deliveries.record(report, {
      hourBucket: hourBucket(nowMs),
      nowMs,
      v2Nonce: signature.version === 'v2' ? signature.nonce : undefined,
    });
    if (recorded.kind === 'nonce_reused') {
      log.detail = 'plivo v2 nonce reused';
      return errorResponse(c, 'invalid_signature');
    }
    log.outcome = recorded.kind;
    return c.json({ status: recorded.kind }, 200);
  },
);
