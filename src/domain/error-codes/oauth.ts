import { defineErrors } from '../errors';

/** Connecting a calendar through a vendor's consent (the OAuth callback). */
export const oauthErrors = defineErrors('oauth', {
  invalid_state: { status: 400, when: 'the callback state is unknown, forged, expired or already used' },
  denied: { status: 400, when: 'the person did not grant access at the vendor' },
  exchange_failed: { status: 400, when: 'the vendor refused the authorization code' },
  account_mismatch: { status: 403, when: "access was granted by another account than the member's" },
  account_unverified: { status: 403, when: 'the vendor does not vouch for the address of the account that granted access' },
  account_unknown: { status: 502, when: 'the vendor did not say which account granted access' },
  not_own_member: { status: 403, when: "a person tried to connect a calendar for another member's address" },
});
