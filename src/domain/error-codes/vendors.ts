import { defineErrors } from '../errors';

/** Calendar vendors whose OAuth app the operator has not set up. */
export const googleErrors = defineErrors('google', {
  not_configured: { status: 501, when: 'no Google OAuth app (`GOOGLE_CLIENT_ID`, `GOOGLE_CLIENT_SECRET`)' },
});

export const microsoftErrors = defineErrors('microsoft', {
  not_configured: { status: 501, when: 'no Microsoft OAuth app (`MICROSOFT_CLIENT_ID`, `MICROSOFT_CLIENT_SECRET`)' },
});
