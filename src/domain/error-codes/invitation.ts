import { defineErrors } from '../errors';

/** Invitations to a workspace. */
export const invitationErrors = defineErrors('invitation', {
  invalid: { status: 404, when: 'the link is unknown, forged, malformed, or replaced by a resend' },
  not_found: { status: 404, when: "unknown invitation id, or another workspace's" },
  expired: { status: 410, when: 'the invitation is older than 7 days' },
  used: { status: 410, when: 'the invitation was already accepted' },
  revoked: { status: 410, when: 'the invitation was revoked' },
  email_mismatch: { status: 403, when: 'the person accepting signed in with another address than the invited one' },
  duplicate: { status: 409, when: 'a pending invitation for that address exists' },
  already_member: { status: 409, when: 'the address is already a member' },
  nothing_to_approve: { status: 409, when: 'the address to approve is not the one that tried to accept' },
  limit_reached: { status: 429, when: "the workspace's daily invitation cap would be passed; nothing was sent" },
  invalid_email: { status: 422, when: 'not a mail address' },
});
