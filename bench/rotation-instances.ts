/**
 * Generated rotation instances (fixed seed) and the exact min-max optimum of each, computed by
 * HiGHS (the `highs` dev dependency, WebAssembly) on the same candidate pools and pain matrix
 * the solver sees. Shared by `npm run bench:rotation` and the optimality test.
 */
import loadHighs from 'highs';
import type { RotationInput } from '../src/domain/rotation';
import { buildRotationProblem, type RotationProblem } from '../src/domain/rotation-solver';
import { normalizeWorkingHours } from '../src/domain/working-hours';
import { createRandom } from './seeded-random';

/** Zones across the world, with and without DST, north and south. */
export const ZONES = [
  'America/Los_Angeles',
  'America/New_York',
  'America/Sao_Paulo',
  'Europe/London',
  'Europe/Berlin',
  'Africa/Lagos',
  'Asia/Kolkata',
  'Asia/Jakarta',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Pacific/Auckland',
  'America/Denver',
] as const;

const HOURS: Array<[string, string, string[]]> = [
  ['09:00', '17:00', ['mon', 'tue', 'wed', 'thu', 'fri']],
  ['09:00', '17:00', ['mon', 'tue', 'wed', 'thu', 'fri']],
  ['08:00', '16:00', ['mon', 'tue', 'wed', 'thu', 'fri']],
  ['10:00', '18:00', ['mon', 'tue', 'wed', 'thu', 'fri']],
  ['09:30', '17:30', ['mon', 'tue', 'wed', 'thu']],
  ['08:30', '16:30', ['mon', 'tue', 'wed', 'thu', 'fri']],
];

/** One generated instance: `participants` people over `zoneCount` zones, `occurrences` weekly. */
export function generateInstance(seed: number, participants: number, zoneCount: number, occurrences: number, gridMinutes = 30): RotationInput {
  const random = createRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const zones = [...ZONES].sort(() => random() - 0.5).slice(0, zoneCount);
  const startMonth = 1 + Math.floor(random() * 12);
  const startDay = 1 + Math.floor(random() * 7);
  const cadence = random() < 0.8 ? { every: 1, unit: 'week' as const } : { every: 2, unit: 'week' as const };
  return {
    title: `instance ${seed}`,
    durationMinutes: pick([30, 45, 60, 60, 90]),
    cadence,
    occurrences,
    startDate: `2027-${String(startMonth).padStart(2, '0')}-${String(startDay).padStart(2, '0')}`,
    gridMinutes,
    participants: Array.from({ length: participants }, (_, i) => {
      // Every zone gets someone; the rest cluster (headcount is deliberately uneven).
      const zone = i < zones.length ? (zones[i] as string) : (zones[Math.floor(random() ** 2 * zones.length)] as string);
      const [start, end, days] = pick(HOURS);
      const optIn = random() < 0.2 ? { earliest: '07:00', latest: '23:00' } : undefined;
      return {
        email: `p${i}@example.com`,
        timeZone: zone,
        workingHours: normalizeWorkingHours({ days, start, end }),
        optIn,
        history: random() < 0.3 ? Math.round(random() * 200) : 0,
      };
    }),
  };
}

/** The benchmark's instances: sizes spread over 5–40 participants, 3–12 zones, 8–52 occurrences. */
export function benchmarkInstances(count = 24): Array<{ name: string; input: RotationInput }> {
  const out: Array<{ name: string; input: RotationInput }> = [];
  const random = createRandom(20270104);
  for (let i = 0; i < count; i++) {
    const participants = 5 + Math.floor(random() * 36);
    const zoneCount = Math.min(participants, 3 + Math.floor(random() * 10));
    const occurrences = 8 + Math.floor(random() * 45);
    out.push({ name: `#${String(i + 1).padStart(2, '0')} ${participants}p ${zoneCount}z ${occurrences}occ`, input: generateInstance(1000 + i, participants, zoneCount, occurrences) });
  }
  return out;
}

/**
 * The exact minimum over plans of the maximum burden (units), as a MILP over the same pools:
 * one integer count per (occurrence type, slot) — occurrences with identical pools are
 * interchangeable — with Σ counts = occurrences of the type, z ≥ history + Σ count × pain for
 * every participant class, minimise z.
 */
export async function exactMinMax(problem: RotationProblem): Promise<{ optimum: number; status: string }> {
  const highs = await loadHighs();
  const groups = new Map<string, { count: number; pool: Array<{ slot: number; pain: Float64Array }> }>();
  for (const occ of problem.occurrences) {
    const pool = occ.pool.map((j) => occ.candidates[j]!).map((c) => ({ slot: c.slot, pain: c.pain }));
    const key = pool.map((p) => `${p.slot}:${Array.from(p.pain).join(',')}`).join(';');
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { count: 1, pool });
  }
  const types = [...groups.values()];
  const vars: string[] = [];
  const rows: string[] = [];
  const terms = problem.classes.map(() => [] as string[]);
  types.forEach((type, t) => {
    const names = type.pool.map((_, e) => `n_${t}_${e}`);
    vars.push(...names);
    rows.push(` occ_${t}: ${names.join(' + ')} = ${type.count}`);
    type.pool.forEach((entry, e) => {
      problem.classes.forEach((_, c) => {
        const v = entry.pain[c]!;
        if (v !== 0) terms[c]!.push(`${v} n_${t}_${e}`);
      });
    });
  });
  problem.classes.forEach((cls, c) => {
    const lhs = terms[c]!.length > 0 ? `${terms[c]!.join(' + ')} - z` : '- z';
    rows.push(` burden_${c}: ${lhs} <= ${-cls.history}`);
  });
  const lp = [
    'Minimize',
    ' obj: z',
    'Subject To',
    ...rows,
    'Bounds',
    ' z >= 0',
    ...vars.map((v) => ` 0 <= ${v} <= ${problem.occurrences.length}`),
    'General',
    ` ${vars.join(' ')}`,
    'End',
  ].join('\n');
  const result = highs.solve(lp, { output_flag: false, mip_rel_gap: 0, mip_abs_gap: 1e-6, time_limit: 120 });
  return { optimum: result.ObjectiveValue, status: result.Status };
}

export const problemOf = (input: RotationInput): RotationProblem =>
  buildRotationProblem(
    {
      durationMinutes: input.durationMinutes,
      cadence: input.cadence,
      occurrences: input.occurrences,
      startDate: input.startDate,
      gridMinutes: input.gridMinutes,
      timeZone: input.timeZone ?? 'UTC',
      allowedUtcWindows: input.allowedUtcWindows,
    },
    input.participants,
  );
