import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { loadConfig } from './config/config.ts';
import { DEFAULT_APP_ID } from './config/event-webhook.ts';
import type { AppEnv } from './http/app-env.ts';
import { errorResponse } from './http/error-response.ts';
import { identifyCaller, requireApiKeyWhenConfigured } from './http/middleware/caller-auth.ts';
import { corsPolicy } from './http/middleware/cors-policy.ts';
import {
  jsonBodyOnly,
  MAX_BODY_BYTES,
  MAX_BODY_BYTES_WITH_CAPTCHA,
} from './http/middleware/json-body-only.ts';
import { requestLogger } from './http/middleware/request-log.ts';
import { operatorLog } from './http/operator-log.ts';
import { adminEventsRoutes } from './http/routes/admin-events.ts';
import { adminStatsRoutes } from './http/routes/admin-stats.ts';
import { adminStatsHourlyRoutes } from './http/routes/admin-stats-hourly.ts';
import { deliveryWebhookRoutes } from './http/routes/delivery-webhook.ts';
import { metaRoutes } from './http/routes/meta.ts';
import { openApiRoutes } from './http/routes/openapi-document.ts';
import { otpRequestRoutes } from './http/routes/otp-request.ts';
import { verificationCancelRoutes } from './http/routes/otp-verification-cancel.ts';
import { channelSwitchRoutes } from './http/routes/otp-verification-channel.ts';
import { verificationReadRoutes } from './http/routes/otp-verification-read.ts';
import { otpVerifyRoutes } from './http/routes/otp-verify.ts';
import { twilioStatusWebhookRoutes } from './http/routes/twilio-status-webhook.ts';
import { voiceAnswerRoutes } from './http/routes/voice-answer.ts';
import { DependencyUnavailableError } from './otp/dependency-error.ts';
import { cryptoRandom, systemClock } from './otp/ports.ts';
import { testNumbersExpired } from './otp/test-numbers.ts';
import { adminPageRoutes } from './pages/admin/admin-routes.ts';
import { demoRoutes } from './pages/demo/demo-routes.ts';
import { docsRoutes } from './pages/docs/docs-routes.ts';
import { createServices, type Runtime } from './wiring.ts';

/**
 * Assembles the Worker's HTTP app. Tests build their own with a fake clock and random source;
 * production uses the defaults.
 */
export function createApp(runtime: Runtime = { clock: systemClock, random: cryptoRandom }) {
  const app = new Hono<AppEnv>();

  app.use(
    requestId({
      // An incoming id is kept only when it is short and plain, so it cannot inject into logs.
      generator: () => crypto.randomUUID(),
      limitLength: 64,
    }),
  );
  app.use(requestLogger());
  // Default options set no Content-Security-Policy: an HTML page (the demo at /) sets its own,
  // which these defaults leave alone.
  app.use(secureHeaders());
  app.use(corsPolicy());

  app.use(async (c, next) => {
    const loaded = loadConfig(c.env);
    if (!loaded.ok) {
      Object.assign(c.get('log'), { outcome: 'misconfigured', problems: loaded.problems });
      return errorResponse(c, 'misconfigured');
    }
    if (loaded.config.warnings.length > 0 && !warned.has(loaded.config)) {
      warned.add(loaded.config);
      c.get('log').warnings = loaded.config.warnings;
    }
    const { testNumbers } = loaded.config;
    if (
      testNumbersExpired(testNumbers, runtime.clock.nowMs()) &&
      !warnedTestNumbersExpired.has(loaded.config)
    ) {
      // Once per isolate: from now on those numbers are texted and get random codes like any other.
      warnedTestNumbersExpired.add(loaded.config);
      const expiredAt = new Date(testNumbers.expiresAtMs ?? 0).toISOString();
      c.get('log').warnings = [
        ...(c.get('log').warnings ?? []),
        `TEST_NUMBERS expired at ${expiredAt} (TEST_NUMBERS_EXPIRE_AT): they are ordinary numbers again`,
      ];
    }
    c.set('config', loaded.config);
    c.set('runtime', runtime);
    c.set(
      'services',
      createServices(
        loaded.config,
        runtime,
        operatorLog(c.get('log')),
        c.get('afterResponse'),
        {
          queue: c.env.EVENTS,
          // The default app's; identifyCaller swaps in another app's services for its API keys (docs/apps.md).
          appId: DEFAULT_APP_ID,
        },
        c.get('timings'),
      ),
    );
    await next();
  });

  // Sets `caller` and `clientIp` (CF-Connecting-IP only; see src/http/client-ip.ts).
  app.use(identifyCaller());
  app.use('/otp/*', requireApiKeyWhenConfigured());
  app.use('/otp/request', jsonBodyOnly(MAX_BODY_BYTES_WITH_CAPTCHA));
  app.use('/otp/verify', jsonBodyOnly(MAX_BODY_BYTES));
  // A switch is a send: it may carry a Turnstile token of up to 2,048 characters, like a request.
  app.use('/otp/verifications/:verificationId/channel', jsonBodyOnly(MAX_BODY_BYTES_WITH_CAPTCHA));

  // HTML pages, each behind its setting. Outside the chain below: not API routes for `AppType`.
  app.route('/', demoRoutes);
  app.route('/', docsRoutes);
  app.route('/', adminPageRoutes);

  const routes = app
    .route('/', metaRoutes)
    .route('/', otpRequestRoutes)
    .route('/', otpVerifyRoutes)
    .route('/', verificationReadRoutes)
    .route('/', verificationCancelRoutes)
    .route('/', channelSwitchRoutes)
    .route('/', deliveryWebhookRoutes)
    .route('/', twilioStatusWebhookRoutes)
    .route('/', voiceAnswerRoutes)
    .route('/', adminStatsRoutes)
    .route('/', adminStatsHourlyRoutes)
    .route('/', adminEventsRoutes)
    .route('/', openApiRoutes);

  app.notFound((c) => {
    const allowed = app.routes
      .filter((route) => route.path === c.req.path && route.method !== 'ALL')
      .map((route) => route.method);
    if (allowed.length > 0) {
      c.header('Allow', [...new Set(allowed)].join(', '));
      return errorResponse(c, 'method_not_allowed');
    }
    return errorResponse(c, 'not_found');
  });

  app.onError((error, c) => {
    if (error instanceof DependencyUnavailableError) {
      c.get('log').detail = `${error.dependency}: ${error.detail}`;
      return errorResponse(c, 'unavailable', { retryAfterSeconds: error.retryAfterSeconds });
    }
    if (error instanceof HTTPException && error.status === 400) {
      // Hono's JSON validator throws this for a body that is not JSON at all.
      return errorResponse(c, 'invalid_request', {
        extra: { issues: [{ field: '(body)', problem: 'not valid JSON' }] },
      });
    }
    if (error instanceof HTTPException && error.status === 413) return errorResponse(c, 'payload_too_large');
    // Unexpected: a 500, with the detail in the log only. Error messages are not logged whole in
    // case a library put request data in them.
    c.get('log').error = { name: error.name, stack: error.stack?.split('\n').slice(0, 4) };
    return errorResponse(c, 'internal_error');
  });

  return routes;
}

// Configs whose warnings were logged: once per isolate and config is enough to be found in the
// logs, and keeps them out of every other line.
const warned = new WeakSet<object>();
const warnedTestNumbersExpired = new WeakSet<object>();

/** The route types, for Hono's typed client (`hc<AppType>`). */
export type AppType = ReturnType<typeof createApp>;
