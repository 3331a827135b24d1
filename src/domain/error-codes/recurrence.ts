import { defineErrors } from '../errors';

/** Recurrence rules (RRULE values) that cannot be expanded at all; repairable ones only warn. */
export const recurrenceErrors = defineErrors('recurrence', {
  empty_rule: { status: 422, when: 'an RRULE has no value' },
  invalid_freq: { status: 422, when: 'an RRULE has no FREQ, or one RFC 5545 does not define' },
  invalid_interval: { status: 422, when: 'an RRULE INTERVAL is not a whole number of at least 1 (e.g. 0 or -1)' },
  invalid_count: { status: 422, when: 'an RRULE COUNT is not a whole number of at least 1' },
  invalid_until: { status: 422, when: 'an RRULE UNTIL is not a DATE or DATE-TIME' },
  invalid_part: { status: 422, when: 'an RRULE BY… part has no usable value (e.g. BYMONTHDAY=32)' },
});
