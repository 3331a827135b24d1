/**
 * Generated rotation instances (fixed seeds) for `npm run bench:rotation`: mixed teams,
 * globe-spanning teams across DST changes, and teams where someone carries a heavy history.
 */
import type { RotationInput } from '../src/domain/rotation';
import { buildRotationProblem, type RotationProblem } from '../src/domain/rotation-problem';
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

/** Zones spanning more than 16 hours of offset: Los Angeles (−8/−7) to Auckland (+12/+13). */
export const GLOBE = ['America/Los_Angeles', 'Europe/London', 'Australia/Sydney', 'Asia/Tokyo', 'Asia/Jakarta', 'Asia/Kolkata', 'Pacific/Auckland', 'America/New_York'] as const;

/**
 * A globe-spanning instance: `zoneCount` (≥ 5) of `GLOBE`, always including Los Angeles and
 * Sydney (≥ 16 hours apart), weekly through a DST season; with `heavy`, one or two people carry
 * a history far above what any series adds.
 */
export function generateGlobe(seed: number, participants: number, zoneCount: number, occurrences: number, heavy = false, gridMinutes = 30): RotationInput {
  const random = createRandom(seed);
  const rest = GLOBE.filter((z) => z !== 'America/Los_Angeles' && z !== 'Australia/Sydney').sort(() => random() - 0.5);
  const zones = ['America/Los_Angeles', 'Australia/Sydney', ...rest].slice(0, Math.max(5, zoneCount));
  const base = generateInstance(seed, participants, zones.length, occurrences, gridMinutes);
  const heavyOnes = new Set(heavy ? [0, Math.floor(random() * participants)] : []);
  return {
    ...base,
    title: `globe ${seed}`,
    startDate: ['2027-03-02', '2027-09-28', '2027-10-26'][seed % 3] as string,
    participants: base.participants.map((p, i) => ({
      ...p,
      timeZone: i < zones.length ? (zones[i] as string) : (zones[Math.floor(random() ** 2 * zones.length)] as string),
      history: heavyOnes.has(i) ? 50_000 + Math.round(random() * 50_000) : p.history,
    })),
  };
}

/**
 * The benchmark's instances, `count` of them (≥ 30 by default): a third mixed (3–8 random zones,
 * 5–40 people, 8–52 occurrences), a third globe-spanning (5–8 zones across ≥ 16 hours), a third
 * globe-spanning with heavy carried histories.
 */
export function benchmarkInstances(count = 30): Array<{ name: string; kind: 'mixed' | 'globe' | 'heavy'; input: RotationInput }> {
  const out: Array<{ name: string; kind: 'mixed' | 'globe' | 'heavy'; input: RotationInput }> = [];
  const random = createRandom(20270104);
  for (let i = 0; i < count; i++) {
    const participants = 5 + Math.floor(random() * 36);
    const occurrences = 8 + Math.floor(random() * 45);
    const kind = (['mixed', 'globe', 'heavy'] as const)[i % 3] as 'mixed' | 'globe' | 'heavy';
    const zoneCount = kind === 'mixed' ? Math.min(participants, 3 + Math.floor(random() * 6)) : Math.min(participants, 5 + Math.floor(random() * 4));
    const input = kind === 'mixed' ? generateInstance(1000 + i, participants, zoneCount, occurrences) : generateGlobe(1000 + i, participants, zoneCount, occurrences, kind === 'heavy');
    out.push({ name: `#${String(i + 1).padStart(2, '0')} ${kind} ${participants}p ${zoneCount}z ${occurrences}occ`, kind, input });
  }
  return out;
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
