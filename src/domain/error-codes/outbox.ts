import { defineErrors } from '../errors';

/** The outbox of mails. */
export const outboxErrors = defineErrors('outbox', {
  not_found: { status: 404, when: "unknown message id, or another workspace's" },
  not_exportable: { status: 409, when: 'a held or confirmation mail cannot be exported by hand' },
  invalid_state: { status: 409, when: 'only unknown or failed messages can be resolved (and queued or held ones cancelled)' },
  attempt_in_progress: { status: 409, when: 'another runner is sending the message; the job tries again later' },
});
