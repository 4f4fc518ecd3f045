import type { DocumentedRoute } from '../documented-route.ts';
import { deadEventPath, deadEventsReplayed, deadEventsResponse } from '../event-schemas.ts';

// Apart from the routes (./admin-events.ts) so that the response shapes, needed only by the
// OpenAPI build, stay out of the Worker bundle.
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
    errors: ['dead_event_not_found', ...ADMIN_ERRORS],
  },
];
