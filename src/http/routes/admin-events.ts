import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { listDeadEvents, replayDeadEvents } from '../../otp/dead-events.ts';
import type { AppEnv } from '../app-env.ts';
import type { DocumentedRoute } from '../documented-route.ts';
import { errorResponse } from '../error-response.ts';
import { adminOnly } from '../middleware/admin-only.ts';
import { deadEventPath, deadEventsReplayed, deadEventsResponse } from '../schemas.ts';
import { validationHook } from '../validation-hook.ts';

const ADMIN_ERRORS = ['unauthorized', 'forbidden', 'unavailable', 'misconfigured'] as const;

export const adminEventsDocs: DocumentedRoute[] = [
  {
    method: 'get',
    path: '/admin/events/dead',
    summary: 'Events whose webhook deliveries used every retry',
    description: 'Admin key. Oldest first, at most 100. Payloads carry no code and only masked numbers.',
    success: { status: 200, description: 'The dead events.', schema: deadEventsResponse },
    errors: ADMIN_ERRORS,
  },
  {
    method: 'post',
    path: '/admin/events/dead/replay',
    summary: 'Replay the dead events (the oldest 100)',
    description:
      'Admin key. Each goes back on the events queue with its id unchanged, so receivers de-duplicate.',
    success: { status: 200, description: 'Replayed.', schema: deadEventsReplayed },
    errors: ADMIN_ERRORS,
  },
  {
    method: 'post',
    path: '/admin/events/dead/{eventId}/replay',
    summary: 'Replay one dead event',
    pathParams: deadEventPath,
    success: { status: 200, description: 'Replayed.', schema: deadEventsReplayed },
    errors: ['invalid_request', 'dead_event_not_found', ...ADMIN_ERRORS],
  },
];

export const adminEventsRoutes = new Hono<AppEnv>()
  .use('/admin/events/*', adminOnly())
  .get('/admin/events/dead', async (c) => {
    const dead = await listDeadEvents(c.get('services'));
    c.header('Cache-Control', 'no-store');
    const events = dead.map(({ appId, event, deadAtMs }) => ({
      id: event.id,
      type: event.type,
      app: appId,
      occurredAt: new Date(event.occurredAtMs).toISOString(),
      deadAt: new Date(deadAtMs).toISOString(),
      data: event.data,
    }));
    return c.json({ events }, 200);
  })
  .post('/admin/events/dead/replay', async (c) => {
    const replayed = await replayDeadEvents(undefined, c.get('services'));
    const eventIds = replayed.kind === 'replayed' ? replayed.eventIds : [];
    return c.json({ replayed: eventIds.length, eventIds }, 200);
  })
  .post(
    '/admin/events/dead/:eventId/replay',
    zValidator('param', deadEventPath, validationHook),
    async (c) => {
      const replayed = await replayDeadEvents(c.req.valid('param').eventId, c.get('services'));
      if (replayed.kind === 'not_found') return errorResponse(c, 'dead_event_not_found');
      return c.json({ replayed: replayed.eventIds.length, eventIds: replayed.eventIds }, 200);
    },
  );
