import { defineErrors } from '../errors';

/** Members: the people whose calendars are audited. */
export const memberErrors = defineErrors('member', {
  not_found: { status: 404, when: "unknown member id, or another workspace's" },
  already_exists: { status: 409, when: 'the email is already a member' },
  invalid_time_zone: { status: 422, when: 'not an IANA zone' },
  invalid_working_hours: { status: 422, when: 'hours that are not `HH:MM`, overlap, or end before they start' },
  conflicting_profile: { status: 422, when: 'one `PATCH` both edits zone or hours and asks to follow the calendar settings' },
});
