import { defineErrors } from '../errors';

/** Settings the server cannot run a request without. */
export const configErrors = defineErrors('config', {
  secret_missing: { status: 503, when: 'Workers without `UNMEET_SECRET`: nothing can be sealed or signed' },
});
