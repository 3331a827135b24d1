import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { participantPain, planRotation, type RotationInput, type RotationParticipant } from '../../src/domain/rotation';
import { buildRotationProblem } from '../../src/domain/rotation-solver';
import { UNITS_PER_POINT } from '../../src/domain/rotation-pain';
import { normalizeWorkingHours } from '../../src/domain/working-hours';
import { exactMinMax, generateInstance, problemOf } from '../../bench/rotation-instances';

const ZONES = ['America/Los_Angeles', 'America/New_York', 'Europe/London', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Tokyo', 'Australia/Sydney', 'UTC'];

const participant = (i: number) =>
  fc
    .record({
      timeZone: fc.constantFrom(...ZONES),
      start: fc.integer({ min: 6, max: 11 }),
      length: fc.integer({ min: 4, max: 10 }),
      days: fc.constantFrom(['mon', 'tue', 'wed', 'thu', 'fri'], ['mon', 'tue', 'wed', 'thu'], ['sun', 'mon', 'tue', 'wed', 'thu']),
      earliest: fc.option(fc.constantFrom('06:00', '07:00'), { nil: undefined }),
      history: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
    })
    .map(
      (p): RotationParticipant => ({
        email: `p${i}@x.com`,
        timeZone: p.timeZone,
        workingHours: normalizeWorkingHours({
          days: p.days,
          start: `${String(p.start).padStart(2, '0')}:00`,
          end: `${String(Math.min(24, p.start + p.length)).padStart(2, '0')}:00`,
        }),
        optIn: p.earliest ? { earliest: p.earliest } : undefined,
        history: p.history,
      }),
    );

const inputs = fc
  .record({
    count: fc.integer({ min: 1, max: 6 }),
    occurrences: fc.integer({ min: 1, max: 10 }),
    duration: fc.constantFrom(30, 45, 60, 90),
    month: fc.integer({ min: 1, max: 12 }),
    grid: fc.constantFrom(30, 60),
  })
  .chain(({ count, occurrences, duration, month, grid }) =>
    fc.tuple(...Array.from({ length: count }, (_, i) => participant(i))).map(
      (participants): RotationInput => ({
        title: 'p',
        durationMinutes: duration,
        cadence: { every: 1, unit: 'week' },
        occurrences,
        startDate: `2027-${String(month).padStart(2, '0')}-06`,
        gridMinutes: grid,
        participants,
      }),
    ),
  );

const spec = (input: RotationInput) => ({ ...input, timeZone: input.timeZone ?? 'UTC' });

describe('rotation properties', () => {
  it('when some start passes every hard limit for each occurrence, then the plan breaks none', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const feasible = buildRotationProblem(spec(input), input.participants).occurrences.every((o) => !o.fallback);
        const plan = planRotation(input);
        if (!feasible) return;
        for (const occ of plan.occurrences) {
          expect(occ.hardLimitBreaks).toEqual([]);
          for (const p of input.participants) expect(participantPain(p, Date.parse(occ.start), input.durationMinutes).hardMinutes).toBe(0);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('when the same input is planned twice, then the plans are identical', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        expect(planRotation(input)).toEqual(planRotation(structuredClone(input)));
      }),
      { numRuns: 30 },
    );
  });

  it('when compared with every fixed single slot, then the max burden is never worse', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const problem = buildRotationProblem(spec(input), input.participants);
        const plan = planRotation(input);
        const slots = new Set(problem.occurrences.flatMap((o) => o.pool.map((j) => o.candidates[j]!.slot)));
        for (const slot of slots) {
          const burden = problem.classes.map((c) => c.history);
          let usable = true;
          for (const occ of problem.occurrences) {
            const j = occ.pool.find((x) => occ.candidates[x]!.slot === slot);
            if (j === undefined) {
              usable = false;
              break;
            }
            problem.classes.forEach((_, c) => (burden[c] = burden[c]! + occ.candidates[j]!.pain[c]!));
          }
          if (!usable) continue;
          expect(plan.fairness.maxBurden).toBeLessThanOrEqual(Math.max(...burden) / UNITS_PER_POINT + 0.01);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('distance to the exact optimum', () => {
  it('when small generated instances are solved, then the max burden is within 5% of the HiGHS optimum', async () => {
    for (const [seed, people, zones, occurrences] of [
      [11, 6, 3, 8],
      [12, 12, 5, 16],
      [13, 20, 8, 12],
      [14, 9, 4, 26],
    ] as const) {
      const input = generateInstance(seed, people, zones, occurrences);
      const exact = await exactMinMax(problemOf(input));
      expect(exact.status).toBe('Optimal');
      const max = planRotation(input).fairness.maxBurden;
      expect(max).toBeLessThanOrEqual((exact.optimum / UNITS_PER_POINT) * 1.05 + 0.01);
      expect(max).toBeGreaterThanOrEqual(exact.optimum / UNITS_PER_POINT - 0.01);
    }
  });
});
