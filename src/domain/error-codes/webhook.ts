import { defineErrors } from '../errors';

/** Push notifications from calendar vendors. */
export const webhookErrors = defineErrors('webhook', {
  forbidden: { status: 401, when: "the notification's channel token is wrong" },
  unknown_channel: { status: 404, when: 'no such notification channel' },
  invalid: { status: 400, when: 'the body is not a Microsoft Graph notification batch' },
});
