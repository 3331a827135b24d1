import { defineErrors } from '../errors';

/**
 * Suggestion mails to organizers. Each refusal is about the state of the series or of its
 * organizer, so each is 409; `POST /v1/outbox/suggestions` without a series lists them as reasons.
 */
export const suggestionErrors = defineErrors('suggestion', {
  not_flagged: { status: 409, when: 'the series is not flagged for a written update' },
  decided: { status: 409, when: 'the series has a decision (kept or converted)' },
  duplicate: { status: 409, when: 'a suggestion about the series was already made in this period' },
  opted_out: { status: 409, when: 'the organizer asked not to receive suggestions' },
  recipient_not_member: { status: 409, when: 'the organizer (or the recipient) is not a member of the workspace' },
  weekly_cap: { status: 409, when: 'the organizer already has the weekly number of suggestions' },
});
