/**
 * The work limits of recurrence expansion. Every rule, whatever its shape, is expanded by the one
 * engine in expand.ts and spends the same step budget, so no feed can make the service search
 * forever or store millions of rows.
 */

/** At most this many instances of one series are produced for a window. */
export const MAX_INSTANCES_PER_SERIES = 5_000;
/** At most this many rule occurrences are generated for one series (before and inside the window). */
export const MAX_RULE_ITERATIONS = 50_000;
/**
 * Expansion steps one series and one file may spend. A step is one period of the rule (a year,
 * month, week, day, hour, minute or second), one candidate day examined in it, or one candidate
 * instant offered (measured in docs/recurrence.md). They
 * bound rules that never or rarely match (`FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=10`, or
 * `FREQ=SECONDLY;COUNT=999999999;BYMINUTE=0` from 1990) while a year's window of a daily series
 * costs ~1,100 steps and a yearly one from 1950 under 800 (expansion jumps to the window).
 */
export const MAX_STEPS_PER_SERIES = 200_000;
export const MAX_STEPS_PER_FILE = 2_000_000;
/**
 * At most this many events and instances are kept from one file, whatever path produced them.
 * Series are kept or dropped whole, in file order: the first series that would cross the cap is
 * dropped with an `instance_cap` warning, and so is every later one that does not fit. Without
 * it, 4,000 FREQ=DAILY series (0.5 MB) expand to 1.46 million rows in a year's window.
 */
export const MAX_INSTANCES_PER_FILE = 100_000;
