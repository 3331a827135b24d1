/**
 * Prints precision, recall and F1 of the flag rubric on the labelled fixture, per language and
 * per hard-case class, for the tuning set, the frozen split and the blind holdout separately
 * (tests/fixtures/flags/RUBRIC.md; blind-holdout.txt was written and labelled by someone who never
 * saw the lexicons or the scorer, and committed before it was first scored). Run: `npm run flags:eval`.
 */
import { readFixture, report, scoreAll } from '../tests/fixtures/flags/evaluate';

console.log(report('tuning set (series.txt)', scoreAll(readFixture('series.txt'))));
console.log();
console.log(report('FROZEN split (frozen.txt), never tuned on', scoreAll(readFixture('frozen.txt'))));
console.log();
console.log(report('blind holdout (blind-holdout.txt), written without seeing the lexicons', scoreAll(readFixture('blind-holdout.txt'))));
