/**
 * Prints precision, recall and F1 of the flag rubric on the labelled fixture, per language and
 * per hard-case class, for the tuning set and the frozen split separately
 * (tests/fixtures/flags/RUBRIC.md). Run: `npm run flags:eval`.
 */
import { readFixture, report, scoreAll } from '../tests/fixtures/flags/evaluate';

console.log(report('tuning set (series.txt)', scoreAll(readFixture('series.txt'))));
console.log();
console.log(report('FROZEN split (frozen.txt), never tuned on', scoreAll(readFixture('frozen.txt'))));
