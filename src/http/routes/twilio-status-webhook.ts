import { Hono } from 'hono';
import { TWILIO_STATUS_CALLBACK_PATH } from '../../config/config.ts';
import type { CallbackParam } from '../../otp/ports.ts';
import { recordDelivery } from '../../otp/record-delivery.ts';
import type { AppEnv } from '../app-env.ts';
import type { DocumentedRoute } from '../documented-route.ts';
import { errorResponse } from '../error-response.ts';
import { formBodyOnly } from '../middleware/form-body-only.ts';
import { deliveryCallbackResponse, twilioStatusCallbackForm } from '../schemas.ts';

export const twilioStatusWebhookDoc: DocumentedRoute = {
  method: 'post',
  path: TWILIO_STATUS_CALLBACK_PATH,
  summary: 'Message status callback from Twilio',
  description:
    'For Twilio only. Each SMS sent through Twilio asks it to POST here (PUBLIC_BASE_URL + this path); without Twilio settings or PUBLIC_BASE_URL the endpoint answers 404. ' +
    'Requests must carry `X-Twilio-Signature` computed over that exact URL and every form field with the Twilio auth token. Only messages this service sent through Twilio and still tracks count; repeats and out-of-order callbacks change nothing.',
  requestBody: twilioStatusCallbackForm,
  requestMediaType: 'application/x-www-form-urlencoded',
  success: {
    status: 200,
    description: 'Signed and read: recorded, a harmless repeat, or ignored.',
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

export const twilioStatusWebhookRoutes = new Hono<AppEnv>().post(
  TWILIO_STATUS_CALLBACK_PATH,
  formBodyOnly(),
  async (c) => {
    // A form is ASCII (percent-encoded); decoding bytes ourselves spares workerd's text() warning.
    const params: CallbackParam[] = [
      ...new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer())),
    ];
    const services = c.get('services');
    const outcome = await recordDelivery(
      { method: 'POST', params, header: (name) => c.req.header(name) },
      services,
      services.twilioCallbacks,
    );
    const log = c.get('log');
    switch (outcome.kind) {
      case 'not_found':
        return errorResponse(c, 'not_found');
      case 'invalid_signature':
        log.detail = `twilio signature ${outcome.reason}`;
        return errorResponse(c, 'invalid_signature');
      case 'invalid_request':
        return errorResponse(c, 'invalid_request', { extra: { issues: outcome.problems } });
      default: {
        const { report } = outcome;
        const by = outcome.fallbackBy === 'failover' ? 'failover' : 'auto call';
        const fallback = outcome.fallback ? `; ${by}: ${outcome.fallback}` : '';
        log.detail = `twilio ${report.status}${report.errorCode ? ` error ${report.errorCode}` : ''}${fallback}`;
        log.outcome = outcome.kind;
        return c.json({ status: outcome.kind }, 200);
      }
    }
  },
);
