import { defineErrors } from '../errors';

/** Fair rotation of recurring meetings. */
export const rotationErrors = defineErrors('rotation', {
  not_found: { status: 404, when: "unknown rotation id, or another workspace's" },
  conflict: { status: 409, when: 'the rotation is already committed' },
  invalid_input: { status: 422, when: 'the rotation request is not consistent (dates, zones, participants)' },
  no_candidates: { status: 422, when: 'an occurrence has no candidate start inside the allowed UTC windows' },
  organizer_required: { status: 422, when: '`writeEvents` without `organizer`' },
  organizer_not_participant: { status: 422, when: 'the organizer is not a participant of the rotation' },
  organizer_not_member: { status: 422, when: 'the organizer is not a member, so unmeet has no calendar of theirs' },
  organizer_not_connected: { status: 422, when: 'the organizer has no connected Google or Outlook calendar' },
  calendar_write_unsupported: { status: 501, when: "unmeet cannot write events to the organizer's kind of calendar" },
  freebusy_unsupported: { status: 501, when: "a connection's provider cannot answer free/busy (recorded per participant, never answered)" },
  calendar_write_incomplete: { status: 502, when: "some occurrences could not be written to the organizer's calendar; committing again resumes" },
});
