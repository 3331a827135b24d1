import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { decayedBurden, gini, participantPain, planRotation, type RotationInput, type RotationParticipant } from '../../src/domain/rotation';
import { rotationToIcs } from '../../src/domain/rotation-ics';
import { outsideHoursWeight, PAIN_WEIGHTS, UNITS_PER_POINT } from '../../src/domain/rotation-pain';
import type { WorkingHours } from '../../src/domain/types';
import { normalizeWorkingHours } from '../../src/domain/working-hours';
import { parseIcs } from '../../src/providers/ics/ics.mapper';

const nineToFive = normalizeWorkingHours(undefined);
const person = (email: string, timeZone: string, extra: Partial<RotationParticipant> = {}): RotationParticipant => ({
  email,
  timeZone,
  workingHours: nineToFive,
  ...extra,
});
const series = (participants: RotationParticipant[], extra: Partial<RotationInput> = {}): RotationInput => ({
  title: 'Sync',
  durationMinutes: 60,
  cadence: { every: 1, unit: 'week' },
  occurrences: 12,
  startDate: '2027-01-05',
  gridMinutes: 30,
  participants,
  ...extra,
});
const points = (p: { units: number }) => p.units / UNITS_PER_POINT;

describe('pain model', () => {
  // A Tuesday in UTC, Monday–Friday 09:00–17:00.
  const at = (hhmm: string, date = '2027-01-05') => Date.parse(`${date}T${hhmm}:00Z`);
  const utc = person('a@x.com', 'UTC');
  it.each([
    ['10:00', 0, 0, 'inside working hours'],
    ['16:30', 1, 0, 'the first half hour past the end weighs 1'],
    ['17:00', 1 + 2, 0, 'one hour past: 1 + 2'],
    ['08:00', 2 + 1, 0, 'one hour early: 2 + 1'],
    ['21:00', 25 + 30, 0, 'four hours late: the curve steepens'],
    ['22:00', 35 + 40, 0, '22:00 is the last hour before the hard limit'],
    ['22:30', 40 + 45 + PAIN_WEIGHTS.night, 30, 'half an hour into the night breaks the hard limit'],
    ['07:00', 6 + 4 + 2 * PAIN_WEIGHTS.night, 60, 'before 08:00 is night'],
  ])('when a 60-minute meeting starts at %s UTC, then the pain is %s points (%s)', (hhmm, expected, hard) => {
    const pain = participantPain(utc, at(hhmm), 60);
    expect(points(pain)).toBe(expected);
    expect(pain.hardMinutes).toBe(hard);
  });

  it('when the participant opted in to 07:00, then an early start is allowed but still heavy', () => {
    const early = participantPain(person('a@x.com', 'UTC', { optIn: { earliest: '07:00' } }), at('07:00'), 60);
    expect(early.hardMinutes).toBe(0);
    expect(points(early)).toBe(6 + 4 + 2 * PAIN_WEIGHTS.night);
  });

  it('when the meeting falls on a non-working day, then it breaks a hard limit unless opted in', () => {
    const saturday = at('10:00', '2027-01-09');
    expect(participantPain(utc, saturday, 60).hardMinutes).toBe(60);
    const optedIn = participantPain(person('a@x.com', 'UTC', { optIn: { nonWorkingDays: true } }), saturday, 60);
    expect(optedIn.hardMinutes).toBe(0);
    expect(points(optedIn)).toBe(2 * PAIN_WEIGHTS.nonWorkingDay);
  });

  it('when the meeting is longer, then the pain grows in proportion', () => {
    expect(points(participantPain(utc, at('17:00'), 30))).toBe(1);
    expect(points(participantPain(utc, at('17:00'), 90))).toBe(1 + 2 + 4);
    expect(points(participantPain(utc, at('17:00'), 15))).toBe(0.5);
  });

  it('when the participant is busy, then the slot breaks a hard limit, or costs when they are optional', () => {
    const busy = [{ start: at('10:00'), end: at('10:30') }];
    expect(participantPain(person('a@x.com', 'UTC', { busy }), at('10:00'), 60).hardMinutes).toBe(30);
    const optional = participantPain(person('a@x.com', 'UTC', { busy, optional: true }), at('10:00'), 60);
    expect(optional.hardMinutes).toBe(0);
    expect(points(optional)).toBe(PAIN_WEIGHTS.busyOptional);
  });

  it('when the working hours are split, then the lunch gap costs like the edges of the day', () => {
    const split: WorkingHours = normalizeWorkingHours({ mon: [['09:00', '12:00'], ['13:00', '17:00']] });
    const monday = Date.parse('2027-01-04T12:00:00Z');
    expect(points(participantPain(person('a@x.com', 'UTC', { workingHours: split }), monday, 60))).toBe(1 + 1);
  });

  it('when the curve runs past its table, then the last weight applies', () => {
    expect(outsideHoursWeight(1)).toBe(1);
    expect(outsideHoursWeight(100)).toBe(PAIN_WEIGHTS.outsideHours.at(-1));
  });

  it('when the clock changes in the participant zone, then each date gets its own local time', () => {
    const london = person('l@x.com', 'Europe/London');
    // 20:00 UTC is 20:00 GMT in March before the switch and 21:00 BST after it.
    expect(points(participantPain(london, Date.parse('2027-03-23T20:00:00Z'), 60))).toBe(16 + 20);
    expect(points(participantPain(london, Date.parse('2027-03-30T20:00:00Z'), 60))).toBe(25 + 30);
  });
});

describe('rotation planning', () => {
  it('when one slot is inside everyone\'s hours, then every occurrence uses it and nobody pays', () => {
    const plan = planRotation(series([person('a@x.com', 'Europe/London'), person('b@x.com', 'Europe/Berlin'), person('c@x.com', 'Africa/Lagos'), person('d@x.com', 'Europe/Berlin')]));
    expect(new Set(plan.occurrences.map((o) => o.start.slice(11)))).toHaveProperty('size', 1);
    expect(plan.fairness).toMatchObject({ maxBurden: 0, distinctSlots: 1, slotChanges: 0, gini: 0, fallbackOccurrences: 0 });
    expect(plan.ledger.every((l) => l.burden === 0 && l.outsideHoursCount === 0)).toBe(true);
    expect(plan.explanation).toMatch(/nobody pays/);
  });

  const nottingham = (la: number) => [
    ...Array.from({ length: la }, (_, i) => person(`la${i}@x.com`, 'America/Los_Angeles')),
    ...Array.from({ length: 3 }, (_, i) => person(`ldn${i}@x.com`, 'Europe/London')),
    person('tokyo@x.com', 'Asia/Tokyo'),
  ];

  it('when no start passes everyone\'s hard limits (10 LA, 3 London, 1 Tokyo), then the bad slots rotate and nobody gets them all', () => {
    const plan = planRotation(series(nottingham(10)));
    expect(plan.fairness.fallbackOccurrences).toBe(12);
    expect(plan.fairness.distinctSlots).toBeGreaterThan(1);
    const zones = ['la0@x.com', 'ldn0@x.com', 'tokyo@x.com'];
    for (const email of zones) {
      const entry = plan.ledger.find((l) => l.email === email)!;
      expect(entry.nightCount).toBeLessThan(12);
      expect(plan.occurrences.filter((o) => o.hardLimitBreaks.includes(email)).length).toBeLessThan(12);
    }
    // Every zone takes some of the breaks, and the burdens end up close.
    const burdens = zones.map((email) => plan.ledger.find((l) => l.email === email)!.burden);
    expect(Math.max(...burdens) / Math.min(...burdens)).toBeLessThan(1.2);
    expect(plan.explanation).toMatch(/moves among \d+ slots/);
    expect(plan.explanations.id).toMatch(/berpindah di antara \d+ slot/);
  });

  it('when ten more people join in Los Angeles, then the burden does not shift toward Tokyo', () => {
    const before = planRotation(series(nottingham(10)));
    const after = planRotation(series(nottingham(20)));
    const tokyo = (p: typeof before) => p.ledger.find((l) => l.email === 'tokyo@x.com')!.burden;
    expect(tokyo(after)).toBeLessThanOrEqual(tokyo(before));
    expect(after.occurrences.map((o) => o.start)).toEqual(before.occurrences.map((o) => o.start));
  });

  it('when one participant carries a large burden from earlier series, then they are relieved first', () => {
    const participants = [person('ana@x.com', 'America/New_York'), person('kai@x.com', 'Asia/Kolkata')];
    const even = planRotation(series(participants));
    const withHistory = planRotation(series([participants[0]!, { ...participants[1]!, history: 400 }]));
    const pain = (p: typeof even, email: string) => p.ledger.find((l) => l.email === email)!.seriesPain;
    expect(pain(withHistory, 'kai@x.com')).toBeLessThan(pain(even, 'kai@x.com'));
    expect(pain(withHistory, 'kai@x.com')).toBeLessThan(pain(withHistory, 'ana@x.com'));
    // The series opens with its lightest occurrence for the one who carried most.
    const kai = withHistory.occurrences.map((o) => o.pain['kai@x.com']!);
    expect(kai[0]).toBe(Math.min(...kai));
    expect(kai[0]).toBeLessThan(withHistory.occurrences[0]!.pain['ana@x.com']!);
    expect(withHistory.ledger.find((l) => l.email === 'kai@x.com')!.history).toBe(400);
  });

  it('when a series crosses the March and October/November switches, then local times follow each zone per date', () => {
    const zones = ['America/Los_Angeles', 'Europe/London', 'Australia/Sydney', 'Asia/Tokyo'];
    const plan = planRotation(
      series(
        zones.map((z, i) => person(`p${i}@x.com`, z)),
        // Wednesdays at 21:00 UTC, forced, from March to the end of November 2027.
        { startDate: '2027-03-03', occurrences: 40, allowedUtcWindows: [{ start: '21:00', end: '22:00' }] },
      ),
    );
    // Offsets by hand (2027): LA -8 until 14 Mar, -7 until 7 Nov; London +0 until 28 Mar, +1
    // until 31 Oct; Sydney +11 until 4 Apr, +10 until 3 Oct; Tokyo +9.
    const offsets = (date: string): number[] => [
      date >= '2027-03-14' && date < '2027-11-07' ? -7 : -8,
      date >= '2027-03-28' && date < '2027-10-31' ? 1 : 0,
      date >= '2027-04-04' && date < '2027-10-03' ? 10 : 11,
      9,
    ];
    for (const occ of plan.occurrences) {
      expect(occ.start).toBe(`${occ.date}T21:00:00Z`);
      offsets(occ.date).forEach((h, i) => {
        const expected = DateTime.fromISO(occ.start, { zone: 'utc' }).plus({ hours: h });
        const sign = h < 0 ? '-' : '+';
        expect(occ.local[`p${i}@x.com`]).toBe(`${expected.toFormat("yyyy-MM-dd'T'HH:mm:ss")}${sign}${String(Math.abs(h)).padStart(2, '0')}:00`);
      });
    }
    // The W3C TAG plenary fixture: Wednesday 21:00 UTC in January is Thursday 06:00 in Tokyo,
    // 08:00 in Sydney, Wednesday 13:00 in Los Angeles and 21:00 in London.
    const january = planRotation(series(zones.map((z, i) => person(`p${i}@x.com`, z)), { startDate: '2027-01-06', occurrences: 1, allowedUtcWindows: [{ start: '21:00', end: '22:00' }] }));
    expect(Object.values(january.occurrences[0]!.local).map((l) => l.slice(0, 16))).toEqual([
      '2027-01-06T13:00',
      '2027-01-06T21:00',
      '2027-01-07T08:00',
      '2027-01-07T06:00',
    ]);
  });

  it('when the series zone has DST, then slots keep their local name across the switch', () => {
    const plan = planRotation(
      series([person('a@x.com', 'Europe/London'), person('b@x.com', 'America/New_York')], { timeZone: 'Europe/London', startDate: '2027-03-22', occurrences: 3 }),
    );
    expect(new Set(plan.occurrences.map((o) => o.slot)).size).toBe(1);
    // 15:00 in London is 15:00 UTC before the UK switch (28 March) and 14:00 UTC after it.
    expect(plan.occurrences.map((o) => o.start.slice(11, 16))).toEqual(['15:00', '14:00', '14:00']);
    expect(plan.fairness.maxBurden).toBe(0);
  });

  it('when the plan is explained, then the text claims only what the plan shows, in English and Indonesian', () => {
    for (const plan of [
      planRotation(series(nottingham(3))),
      planRotation(series([person('a@x.com', 'Europe/London'), person('b@x.com', 'America/New_York')])),
      planRotation(series([person('a@x.com', 'Europe/London'), person('b@x.com', 'Asia/Tokyo')], { occurrences: 4 })),
    ]) {
      const moves = /moves among (\d+) slots/.exec(plan.explanation);
      if (plan.fairness.distinctSlots > 1) expect(Number(moves?.[1])).toBe(plan.fairness.distinctSlots);
      else expect(moves).toBeNull();
      expect(plan.explanation).not.toMatch(/rotated so the break moves/);
      for (const l of plan.ledger.filter((x) => x.seriesPain > 0)) {
        expect(plan.explanation).toContain(`${l.burden}`);
        expect(plan.explanation).toMatch(new RegExp(`${l.email.replace('.', '\\.')}[^;]*${l.nightCount} night`));
      }
      const breakers = plan.ledger.filter((l) => l.hardLimitBreakCount > 0);
      if (breakers.length > 1) expect(plan.explanation).toMatch(/breaks are shared/);
      expect(plan.explanations.en).toBe(plan.explanation);
      expect(plan.explanations.id).not.toBe(plan.explanation);
    }
  });

  it('when one zone carries most of the load, then the explanation says so, why, and the best alternative with its true cost', () => {
    // Kolkata carries a large history, so New York takes most of this series' pain.
    const plan = planRotation(series([person('ny@x.com', 'America/New_York'), person('in@x.com', 'Asia/Kolkata', { history: 2000 })], { occurrences: 6 }));
    const ny = plan.ledger.find((l) => l.email === 'ny@x.com')!;
    const kolkata = plan.ledger.find((l) => l.email === 'in@x.com')!;
    expect(ny.seriesPain).toBeGreaterThan(kolkata.seriesPain);
    const heavy = /America\/New_York carries (\d+)% of this series' pain/.exec(plan.explanation);
    expect(heavy).not.toBeNull();
    const alt = /would lower ny@x\.com's burden from ([\d.]+) to ([\d.]+) but raise in@x\.com's from ([\d.]+) to ([\d.]+)/.exec(plan.explanation);
    expect(alt).not.toBeNull();
    expect(Number(alt![1])).toBe(ny.burden);
    expect(Number(alt![2])).toBeLessThan(ny.burden);
    expect(Number(alt![3])).toBe(kolkata.burden);
    // The alternative is worse by the objective: the heavier of the two would rise.
    expect(Number(alt![4])).toBeGreaterThan(kolkata.burden);
    expect(plan.explanations.id).toMatch(/America\/New_York menanggung \d+% dari beban rangkaian ini/);
    expect(plan.explanations.id).toMatch(/Alternatif terbaik/);
  });

  it('when the same input is planned twice, then the plans are identical', () => {
    const input = series(nottingham(4), { occurrences: 20, gridMinutes: 15 });
    expect(planRotation(input)).toEqual(planRotation(input));
  });

  it('when the input is invalid, then a stable code says what is wrong', () => {
    expect(() => planRotation(series([person('a@x.com', 'Mars/Base')]))).toThrow(expect.objectContaining({ code: 'member.invalid_time_zone' }));
    expect(() => planRotation(series([person('a@x.com', 'UTC'), person('a@x.com', 'UTC')]))).toThrow(expect.objectContaining({ code: 'rotation.invalid_input' }));
    expect(() => planRotation(series([person('a@x.com', 'UTC')], { durationMinutes: 2 }))).toThrow(expect.objectContaining({ code: 'rotation.invalid_input' }));
    expect(() => planRotation(series([person('a@x.com', 'UTC')], { allowedUtcWindows: [{ start: '10:00', end: '10:30' }] }))).toThrow(
      expect.objectContaining({ code: 'rotation.no_candidates' }),
    );
  });
});

describe('ledger helpers and export', () => {
  it('when burdens age with a half-life, then they halve per half-life', () => {
    const day = 86_400_000;
    expect(decayedBurden([{ burden: 100, at: 0 }], 30 * day, 30)).toBe(50);
    expect(decayedBurden([{ burden: 100, at: 0 }, { burden: 10, at: 30 * day }], 30 * day)).toBe(110);
  });

  it('when burdens are equal or all on one person, then Gini is 0 or (n-1)/n', () => {
    expect(gini([5, 5, 5])).toBe(0);
    expect(gini([0, 0, 0, 12])).toBeCloseTo(0.75);
  });

  it('when a plan is exported, then the ICS has one tagged event per occurrence at its UTC start', () => {
    const plan = planRotation(series([person('a@x.com', 'Europe/London'), person('b@x.com', 'Asia/Tokyo')], { occurrences: 4 }));
    const ics = rotationToIcs({ id: 'rot_test', plan, now: Date.parse('2027-01-01T00:00:00Z') });
    expect(ics.match(/X-UNMEET-ROTATION:rot_test/g)).toHaveLength(4);
    expect(ics.split('\r\n').every((line) => new TextEncoder().encode(line).length <= 75)).toBe(true);
    const parsed = parseIcs(ics, { start: Date.parse('2027-01-01T00:00:00Z'), end: Date.parse('2027-03-01T00:00:00Z') });
    expect(parsed.events.map((e) => new Date(e.start).toISOString().replace('.000Z', 'Z'))).toEqual(plan.occurrences.map((o) => o.start));
  });

  it.each([
    ['a lone CR', 'Sync\rATTENDEE:mailto:evil@x.com'],
    ['a lone LF', 'Sync\nATTENDEE:mailto:evil@x.com'],
    ['CRLF', 'Sync\r\nATTENDEE:mailto:evil@x.com'],
    ['a Unicode line separator and control characters', 'Sync\u2028ATTENDEE:mailto:evil@x.com\u0000\u001b'],
  ])('when a title holds %s, then the ICS escapes it and no property is injected', (_, title) => {
    const plan = planRotation(series([person('a@x.com', 'Europe/London'), person('b@x.com', 'Asia/Tokyo')], { occurrences: 2, title }));
    const ics = rotationToIcs({ id: 'rot_test', plan, now: Date.parse('2027-01-01T00:00:00Z') });
    // Only CRLF ends a line, and no content line starts with an injected property.
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n\u2028]/);
    const lines = ics.split('\r\n');
    expect(lines.filter((l) => /^ATTENDEE/.test(l))).toHaveLength(4);
    expect(lines.filter((l) => /^ATTENDEE.*evil/.test(l))).toEqual([]);
    expect(ics.replace(/\r\n /g, '')).toContain('SUMMARY:Sync\\nATTENDEE:mailto:evil@x.com');
    const parsed = parseIcs(ics, { start: Date.parse('2027-01-01T00:00:00Z'), end: Date.parse('2027-03-01T00:00:00Z') });
    expect(parsed.events).toHaveLength(2);
    for (const e of parsed.events) expect(e.attendees.map((a) => a.email).sort()).toEqual(['a@x.com', 'b@x.com']);
  });
});
