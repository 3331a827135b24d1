import { defineErrors } from '../errors';

/** One-time sign-in and setup links. */
export const linkErrors = defineErrors('link', {
  invalid: { status: 404, when: 'the link is unknown or forged' },
  expired: { status: 410, when: 'the link is past its time' },
  used: { status: 410, when: 'the link was already used' },
});
