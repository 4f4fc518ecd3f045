import { Hono } from 'hono';
import * as z from 'zod/mini';
import { VOICE_ANSWER_PATH } from '../../config/config.ts';
import { answerCall } from '../../otp/answer-call.ts';
import type { AppEnv } from '../app-env.ts';
import type { DocumentedRoute } from '../documented-route.ts';
import { errorResponse } from '../error-response.ts';
import { formBodyOnly } from '../middleware/form-body-only.ts';

export const voiceAnswerDoc: DocumentedRoute = {
  method: 'post',
  path: `${VOICE_ANSWER_PATH}/{expiry}/{token}`,
  summary: 'What a code call says, asked by Plivo',
  description:
    'For Plivo only: the answer URL of a code call (channel voice), signed with `X-Plivo-Signature-V3` over PUBLIC_BASE_URL + this exact path. The answer is Plivo XML (`application/xml`): the code spoken twice, once per URL, before the expiry and while the verification is pending; otherwise `<Response><Hangup/></Response>`. 404 when voice is not set up.',
  pathParams: z.object({ expiry: z.string(), token: z.string() }),
  requestMediaType: 'application/x-www-form-urlencoded',
  success: { status: 200, description: 'Plivo XML (application/xml).', schema: z.string() },
  errors: ['invalid_signature', 'not_found', 'payload_too_large', 'unsupported_media_type', 'unavailable'],
};

/** Plivo asks here what a code call says (the answer URL the call was placed with). */
export const voiceAnswerRoutes = new Hono<AppEnv>().post(
  `${VOICE_ANSWER_PATH}/:expiry/:token`,
  formBodyOnly(),
  async (c) => {
    const services = c.get('services');
    const { callAnswers, voiceAnswerBaseUrl } = services;
    const expiry = c.req.param('expiry');
    const token = c.req.param('token');
    const shaped = /^[0-9]{1,16}$/.test(expiry) && /^[A-Za-z0-9_-]{1,512}$/.test(token);
    if (!callAnswers || !voiceAnswerBaseUrl || !shaped) return errorResponse(c, 'not_found');
    const params = [...new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()))];
    const reading = await callAnswers.read(
      { method: 'POST', params, header: (name) => c.req.header(name) },
      `${voiceAnswerBaseUrl}/${expiry}/${token}`,
    );
    const log = c.get('log');
    if (reading.kind === 'invalid_signature') {
      log.detail = `plivo signature ${reading.reason}`;
      return errorResponse(c, 'invalid_signature');
    }
    const { callUuid, machine } = reading;
    const outcome = await answerCall({ expiresAtMs: Number(expiry), token, callUuid, machine }, services);
    // Never the XML or the prompt: they hold the code.
    log.outcome = outcome.kind === 'speak' ? 'spoken' : 'silent';
    if (outcome.kind === 'silent') log.detail = outcome.reason;
    const xml = callAnswers.render(outcome.kind === 'speak' ? outcome.prompt : undefined);
    return c.body(xml, 200, { 'content-type': 'application/xml; charset=utf-8' });
  },
);
