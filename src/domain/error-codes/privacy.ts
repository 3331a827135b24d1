import { defineErrors } from '../errors';

/** What one person may see of another. */
export const privacyErrors = defineErrors('privacy', {
  not_shared: { status: 403, when: 'the person has not chosen to share their numbers' },
});
