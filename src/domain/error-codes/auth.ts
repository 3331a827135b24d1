import { defineErrors } from '../errors';

/** Who is calling, and whether they may. */
export const authErrors = defineErrors('auth', {
  missing_key: { status: 401, when: 'no API key and no session' },
  invalid_key: { status: 401, when: 'the API key is unknown or revoked' },
  session_expired: { status: 401, when: 'the session cookie belongs to an ended session' },
  forbidden: { status: 403, when: "the caller's role is below what the operation needs, or a cookie-borne write came from another site" },
  person_required: { status: 403, when: 'a route about a signed-in person, called with an API key' },
});
