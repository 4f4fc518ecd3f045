import { Hono } from 'hono';
import { listDeadEvents, replayDeadEvents } from '../../otp/dead-events.ts';
import type { AppEnv } from '../app-env.ts';
import { errorResponse } from '../error-response.ts';
import { adminOnly } from '../middleware/admin-only.ts';

/** An event id as the service makes them (src/otp/events/event-id.ts); anything else was never dead. */
const EVENT_ID = /^evt_[A-Za-z0-9_-]{1,64}$/;

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
  .post('/admin/events/dead/:eventId/replay', async (c) => {
    const eventId = c.req.param('eventId');
    const replayed = EVENT_ID.test(eventId) ? await replayDeadEvents(eventId, c.get('services')) : undefined;
    if (replayed?.kind !== 'replayed') return errorResponse(c, 'dead_event_not_found');
    return c.json({ replayed: replayed.eventIds.length, eventIds: replayed.eventIds }, 200);
  });
