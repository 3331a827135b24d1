import { defineErrors } from '../errors';

/** The "Do next" list on the overview and in the API. */
export const doNextErrors = defineErrors('do_next', {
  not_found: { status: 404, when: 'the key names no kind of Do next item (`series:<seriesKey>`, `focus:below-target`, `rotation:<id>`)' },
});
