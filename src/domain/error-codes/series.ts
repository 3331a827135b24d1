import { defineErrors } from '../errors';

/** Meeting series (what flags and suggestions are about). */
export const seriesErrors = defineErrors('series', {
  not_found: { status: 404, when: 'the workspace has no meeting series with that key' },
});
