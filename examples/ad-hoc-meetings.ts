/**
 * The one-off meetings that fill a distributed team's week: reviews, pairing, interviews,
 * escalations, "quick syncs". Drawn from the shared seeded generator (bench/seeded-random.ts),
 * so the sample stays byte-for-byte stable, and shaped so the team lands where real knowledge
 * workers do (30–50 % of working time in meetings) with a few people past the health
 * thresholds: Marco, the hub between Europe and everyone else, organizes the most and is pulled
 * into back-to-back afternoons; Budi and Jack, at the edges, organize little.
 */
import { DateTime } from 'luxon';
import { createRandom } from '../bench/seeded-random';
import { addDays, type Meeting, type Person } from './ics-export';

/** The first Monday of the sample; week `w` of the ad-hoc meetings starts `7 * w` days later. */
export const SAMPLE_ANCHOR = '2026-11-02';

/** One-off meetings each person organizes per week, and whom they usually invite. */
const ORGANIZING: Record<string, { perWeek: number; circle: string[] }> = {
  marco: { perWeek: 36, circle: ['olivia', 'dana', 'ayu', 'budi'] },
  dana: { perWeek: 10, circle: ['sam', 'marco', 'olivia'] },
  olivia: { perWeek: 12, circle: ['marco', 'dana'] },
  ayu: { perWeek: 7, circle: ['budi', 'jack', 'marco'] },
  sam: { perWeek: 10, circle: ['dana', 'jack'] },
  budi: { perWeek: 4, circle: ['ayu', 'jack'] },
  jack: { perWeek: 5, circle: ['ayu', 'budi', 'sam'] },
};

const TITLES_EN = [
  'API contract review',
  'Pairing: billing migration',
  'Customer escalation: Initech',
  'Quick sync',
  'Catch-up',
  'Interview: senior backend engineer',
  'Interview debrief',
  'Architecture discussion: event bus',
  'Incident follow-up',
  'Pricing page review',
  'Data pipeline walkthrough',
  'Security review: SSO rollout',
  'Load test results',
  'Sprint scope check',
];
const TITLES_ID = ['Review kode pembayaran', 'Diskusi integrasi bank', 'Sinkronisasi singkat', 'Pairing: migrasi database', 'Persiapan demo klien'];

const AGENDAS = [
  'Agenda:\n1. Where we are (5 min)\n2. Open questions (15 min)\n3. Decision and owner (10 min)',
  'Goal: agree on the interface before Friday.\nDoc: https://docs.google.com/document/d/1AcmeDesignNotes/edit',
  'Agenda:\n- Findings\n- Follow-ups and owners',
];

/** Days a person is away or on a public holiday: nobody organizes a meeting then. */
const SKIP = new Set(['ayu|2026-11-13', 'dana|2026-11-26', 'dana|2026-11-27', 'sam|2026-11-26', 'jack|2026-11-23', 'jack|2026-11-24']);

/** Start times on the half hour, 09:30–16:00 in the organizer's day. */
const STARTS = Array.from({ length: 14 }, (_, i) => 9 * 60 + 30 + i * 30);

/** Whether the meeting sits inside 09:00–16:30 of a weekday in `person`'s zone: everyone's core hours. */
function inDay(person: Person, utc: DateTime, minutes: number): boolean {
  const local = utc.setZone(person.zone);
  const start = local.hour * 60 + local.minute;
  return local.weekday <= 5 && start >= 9 * 60 && start + minutes <= 16 * 60 + 30;
}

/** The organizer's start times that suit the most invitees, as people pick a slot from a scheduling assistant. */
function startsFor(organizer: Person, invited: readonly Person[], date: string, minutes: number): number[] {
  const fit = STARTS.map((m) => {
    const utc = DateTime.fromISO(`${date}T00:00`, { zone: organizer.zone }).plus({ minutes: m });
    return invited.filter((p) => inDay(p, utc, minutes)).length;
  });
  const best = Math.max(...fit);
  return STARTS.filter((_, i) => fit[i] === best);
}

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

/** Up to `count` distinct people from `circle`, in the order drawn. */
function draw(random: () => number, circle: readonly string[], count: number): string[] {
  const pool = [...circle];
  const out: string[] = [];
  while (out.length < count && pool.length > 0) out.push(...pool.splice(Math.floor(random() * pool.length), 1));
  return out;
}

/** `weeks` weeks of one-off meetings from SAMPLE_ANCHOR, each inside its organizer's own day (starts 09:30–16:00 local). */
export function adHocMeetings(weeks: number, people: readonly Person[], seed = 20261109): Meeting[] {
  const random = createRandom(seed);
  const byKey = new Map(people.map((p) => [p.key, p]));
  const meetings: Meeting[] = [];
  for (let week = 0; week < weeks; week++) {
    for (const person of people) {
      const plan = ORGANIZING[person.key];
      if (!plan) continue;
      for (let k = 0; k < plan.perWeek; k++) {
        const date = addDays(SAMPLE_ANCHOR, week * 7 + Math.floor(random() * 5));
        const minutes = pick(random, [30, 30, 45, 60]);
        const invited = draw(random, plan.circle, 1 + Math.floor(random() * 3));
        const startMinutes = pick(random, startsFor(person, invited.map((key) => byKey.get(key)!), date, minutes));
        const utc = DateTime.fromISO(`${date}T00:00`, { zone: person.zone }).plus({ minutes: startMinutes });
        // Whoever the slot does not suit is left off the invitation.
        const coming = invited.filter((key) => inDay(byKey.get(key)!, utc, minutes));
        if (coming.length === 0) continue;
        const agenda = random() < 0.4 ? pick(random, AGENDAS) : undefined;
        const allIndonesian = coming.every((key) => byKey.get(key)?.locale === 'id') && person.locale === 'id';
        const title = pick(random, allIndonesian ? TITLES_ID : TITLES_EN);
        if (SKIP.has(`${person.key}|${date}`)) continue;
        const time = `${String(Math.floor(startMinutes / 60)).padStart(2, '0')}:${String(startMinutes % 60).padStart(2, '0')}`;
        meetings.push({
          key: `adhoc-${week}-${person.key}-${k}`,
          title,
          organizer: person.key,
          attendees: [person.key, ...coming],
          zone: person.zone,
          start: `${date}T${time}`,
          minutes,
          description: agenda,
          conference: person.style === 'google' ? 'meet' : 'teams',
        });
      }
    }
  }
  return meetings;
}
