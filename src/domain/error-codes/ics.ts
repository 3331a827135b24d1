import { defineErrors } from '../errors';

/** ICS feeds and uploads. */
export const icsErrors = defineErrors('ics', {
  parse_error: { status: 422, when: 'the calendar is malformed (the `line` says where)' },
  unknown_time_zone: { status: 422, when: 'the calendar names a zone nobody defines' },
  not_calendar: { status: 422, when: 'the URL serves something other than an iCalendar file' },
  url_forbidden: { status: 422, when: 'the URL is not http(s), carries credentials, or points at a private address' },
  invalid_url: { status: 422, when: 'the dashboard form was given something that is not an http(s) or webcal address' },
  too_large: { status: 413, when: 'the calendar is larger than the cap' },
  url_unreachable: { status: 502, when: 'the URL did not answer, timed out, or answered with an error status' },
  body_required: { status: 422, when: 'a sync of an uploaded calendar came without the new file' },
  upload_to_subscription: { status: 409, when: 'a file was uploaded to a connection that follows a URL' },
  busy: { status: 429, when: 'every calendar-import slot is taken (running and queued); `Retry-After` says when to try again' },
  too_complex: { status: 422, when: 'reading the calendar went past its time or memory limit; the import was stopped and the previous data kept' },
});
