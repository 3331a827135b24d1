import { defineErrors } from '../errors';

/** Audit ranges and settings. */
export const auditErrors = defineErrors('audit', {
  invalid_range: { status: 422, when: 'malformed dates, `from ≥ to`, more than 366 days, or only one of `from` and `to`' },
  invalid_focus_min: { status: 422, when: '`focusMinMinutes` is not a number of minutes ≥ 0' },
});
