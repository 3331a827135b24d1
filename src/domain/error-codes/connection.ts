import { defineErrors } from '../errors';

/** Calendar connections (Google, Outlook, ICS). */
export const connectionErrors = defineErrors('connection', {
  not_found: { status: 404, when: "unknown connection id, or another workspace's" },
  needs_reauth: { status: 409, when: 'access to the calendar was revoked or expired: reconnect it' },
  no_calendar: { status: 409, when: 'the connection has no calendar to sync (deleted meanwhile, or never finished connecting)' },
  no_credentials: { status: 409, when: 'the connection holds no credentials to call its provider with' },
  unsupported: { status: 409, when: 'the operation does not apply to this kind of connection (for example an ICS sync on an OAuth connection)' },
});
