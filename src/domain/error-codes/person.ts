import { defineErrors } from '../errors';

/** People: who signs in. */
export const personErrors = defineErrors('person', {
  not_found: { status: 404, when: 'no such person in this workspace' },
});
