import { defineErrors } from '../errors';

/** Signing in with Google, Microsoft or an email link. */
export const signinErrors = defineErrors('signin', {
  invalid_token: { status: 401, when: "the ID token's signature, audience, issuer, nonce or time is wrong" },
  email_unverified: { status: 403, when: 'the provider does not vouch for the address' },
  invalid_state: { status: 400, when: 'the pending sign-in is unknown, expired (10 min), already used, or for the other provider' },
  cancelled: { status: 400, when: 'the person cancelled at the provider' },
  exchange_failed: { status: 400, when: 'the provider refused the code' },
  not_configured: { status: 501, when: 'no app for that provider' },
  provider_unavailable: { status: 502, when: 'the provider could not be reached' },
  invalid_email: { status: 422, when: 'not an email address' },
  mail_unavailable: { status: 501, when: 'no mail transport for email links' },
  too_many_links: { status: 429, when: 'this client address asked for too many links' },
});

/** Creating a workspace by signing in. */
export const signupErrors = defineErrors('signup', {
  closed: { status: 403, when: '`UNMEET_SIGNUP` does not let this person create a workspace' },
});
