/**
 * `npm run bench:focus`: the focus planner over a synthetic workspace of 500 members × 4 weeks
 * (the calendars of bench/synthetic.ts: stand-ups, weekly syncs, 1:1s, ad-hoc meetings,
 * personal blocks; six zones; Monday–Friday 09:00–17:00 local), default policy (10 h a week,
 * 90-minute blocks, 10-minute buffers, 4 h a day at most).
 *   time           = planFocus for every member (ICS parsing done beforehand, not timed)
 *   achieved       = planned focus hours, per member and week capped at the weekly target
 *   upper bound    = per member and week: free windows ≥ the minimum block inside working hours
 *                    (busy time as is, no buffers, no daily cap), capped at the weekly target
 * Targets: achieved / upper bound ≥ 0.95, and under 1 s for the 500 members.
 */
import { performance } from 'node:perf_hooks';
import { focusBusy, planFocus, resolveFocusPolicy, type FocusPlan } from '../src/domain/focus-planner';
import { subtract } from '../src/domain/intervals';
import type { Interval } from '../src/domain/types';
import { localDays, normalizeWorkingHours, workingIntervalsForDays } from '../src/domain/working-hours';
import { parseIcs } from '../src/providers/ics/ics.mapper';
import { syntheticWorkspace } from './synthetic';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 500);
const WEEKS = 4;
const FROM = '2026-06-01'; // a Monday
const TO = '2026-06-29';
const HOUR = 3_600_000;

function main() {
  const start = Date.parse(`${FROM}T00:00:00Z`);
  const window = { start: start - 2 * 86_400_000, end: start + (WEEKS * 7 + 2) * 86_400_000 };
  const policy = resolveFocusPolicy();
  const workingHours = normalizeWorkingHours(undefined);
  const people = syntheticWorkspace(MEMBERS, WEEKS, start).map((p) => ({
    ...p,
    busy: focusBusy(parseIcs(p.ics, window, { defaultTimeZone: p.timeZone }).events, p.email),
  }));
  const inputs = people.map((p) => ({ timeZone: p.timeZone, workingHours, policy, range: { from: FROM, to: TO }, busy: p.busy }));

  planFocus(inputs[0]!); // warm the JIT a little, as a running server is
  const runs: number[] = [];
  let plans: FocusPlan[] = [];
  for (let r = 0; r < 7; r++) {
    const t = performance.now();
    plans = inputs.map((input) => planFocus(input));
    runs.push(performance.now() - t);
  }

  const target = policy.weeklyTargetHours * HOUR;
  const minBlock = policy.minBlockMinutes * 60_000;
  let achieved = 0;
  let bound = 0;
  let plannedRaw = 0;
  let missed = 0;
  for (const [i, p] of people.entries()) {
    const days = localDays(p.timeZone, FROM, TO);
    for (let w = 0; w < WEEKS; w++) {
      const week = days.slice(w * 7, w * 7 + 7);
      const span: Interval = { start: week[0]!.start, end: week[week.length - 1]!.end };
      const free = subtract(workingIntervalsForDays(workingHours, p.timeZone, week), p.busy).filter((g) => g.end - g.start >= minBlock);
      bound += Math.min(target, free.reduce((s, g) => s + g.end - g.start, 0));
      const planned = plans[i]!.blocks.filter((b) => b.start >= span.start && b.start < span.end).reduce((s, b) => s + b.end - b.start, 0);
      achieved += Math.min(target, planned);
    }
    plannedRaw += plans[i]!.plannedHours;
    if (plans[i]!.missedReason) missed++;
  }
  const sorted = [...runs].sort((a, b) => a - b);
  console.log(`focus planner: ${MEMBERS} members × ${WEEKS} weeks (synthetic calendars, default policy)`);
  console.log(`time: median ${sorted[3]!.toFixed(0)} ms, best ${sorted[0]!.toFixed(0)} ms, first ${runs[0]!.toFixed(0)} ms (target < 1000 ms)`);
  console.log(
    `achieved ${(achieved / HOUR).toFixed(1)} h / upper bound ${(bound / HOUR).toFixed(1)} h = ${(achieved / bound).toFixed(3)} (target ≥ 0.95); ` +
      `planned ${plannedRaw.toFixed(1)} h in all; ${missed} of ${MEMBERS} members short of their target`,
  );
}

main();
