import { defineErrors } from '../errors';

/** Mail: the transport, and the links in the mails. */
export const mailErrors = defineErrors('mail', {
  not_configured: { status: 501, when: 'this server cannot send mail with signed links (no `UNMEET_SECRET`)' },
  invalid_link: { status: 404, when: "a mail link's token is unknown or altered" },
  link_expired: { status: 410, when: 'a mail link is past its time' },
  link_used: { status: 410, when: 'a confirmation link was already used' },
});
