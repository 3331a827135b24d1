import { defineErrors } from '../errors';

/** One calendar under a connection. */
export const calendarErrors = defineErrors('calendar', {
  not_found: { status: 404, when: 'the connection has no calendar with that id' },
});
