/**
 * A synthetic workspace for benchmarks: `members` people over several zones, `weeks` weeks of
 * typical calendars (daily stand-ups, weekly syncs, 1:1s, ad-hoc meetings, personal blocks) as
 * ICS text. Deterministic (fixed seed) so runs compare.
 */
import { createRandom } from './seeded-random';

const zones = ['America/Los_Angeles', 'America/New_York', 'Europe/London', 'Europe/Berlin', 'Asia/Jakarta', 'Australia/Sydney'];

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface SyntheticMember {
  email: string;
  timeZone: string;
  ics: string;
}

export function syntheticWorkspace(members: number, weeks: number, startMs = Date.parse('2026-06-01T00:00:00Z')): SyntheticMember[] {
  const rand = createRandom(42);
  const people = Array.from({ length: members }, (_, i) => ({ email: `p${i}@example.com`, timeZone: zones[i % zones.length]! }));
  const teams = Math.ceil(members / 8);
  const until = `;UNTIL=${stamp(startMs + weeks * 7 * DAY - 1000)}`;
  const lines: string[][] = people.map(() => []);
  const add = (who: number[], ev: string[]) => {
    for (const i of who) lines[i]!.push('BEGIN:VEVENT', ...ev, `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${people[i]!.email}`, 'END:VEVENT');
  };
  const attendees = (who: number[]) => who.map((i) => `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${people[i]!.email}`);
  for (let t = 0; t < teams; t++) {
    const who = people.map((_, i) => i).filter((i) => Math.floor(i / 8) === t);
    const lead = who[0]!;
    const at = (day: number, hour: number) => startMs + day * DAY + hour * HOUR;
    const base = [`ORGANIZER:mailto:${people[lead]!.email}`, ...attendees(who)];
    add(who, [`UID:standup-${t}`, `DTSTAMP:${stamp(startMs)}`, `DTSTART:${stamp(at(0, 16))}`, `DTEND:${stamp(at(0, 16.25))}`, `RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR${until}`, `SUMMARY:Team ${t} stand-up`, ...base]);
    add(who, [`UID:sync-${t}`, `DTSTAMP:${stamp(startMs)}`, `DTSTART:${stamp(at(2, 17))}`, `DTEND:${stamp(at(2, 18))}`, `RRULE:FREQ=WEEKLY${until}`, `SUMMARY:Team ${t} weekly status sync`, ...base]);
    for (const i of who.slice(1)) {
      add([lead, i], [`UID:1on1-${t}-${i}`, `DTSTAMP:${stamp(startMs)}`, `DTSTART:${stamp(at(1 + (i % 4), 15 + (i % 3)))}`, `DTEND:${stamp(at(1 + (i % 4), 15.5 + (i % 3)))}`, `RRULE:FREQ=WEEKLY${until}`, `SUMMARY:1:1`, `ORGANIZER:mailto:${people[lead]!.email}`, ...attendees([lead, i])]);
    }
  }
  // Ad-hoc meetings and personal blocks, spread over the weeks.
  for (let i = 0; i < members; i++) {
    for (let w = 0; w < weeks; w++) {
      for (let k = 0; k < 6; k++) {
        const start = startMs + w * 7 * DAY + Math.floor(rand() * 5) * DAY + (13 + Math.floor(rand() * 16) / 2) * HOUR;
        const other = Math.floor(rand() * members);
        const uid = `adhoc-${i}-${w}-${k}`;
        const ev = [`UID:${uid}`, `DTSTAMP:${stamp(startMs)}`, `DTSTART:${stamp(start)}`, `DTEND:${stamp(start + (k % 2 ? 1 : 0.5) * HOUR)}`, `SUMMARY:Topic ${k}`, `ORGANIZER:mailto:${people[i]!.email}`];
        add(other === i ? [i] : [i, other], [...ev, ...(other === i ? [] : attendees([other]))]);
      }
      const block = startMs + w * 7 * DAY + 3 * DAY + 20 * HOUR;
      lines[i]!.push('BEGIN:VEVENT', `UID:block-${i}-${w}`, `DTSTAMP:${stamp(startMs)}`, `DTSTART:${stamp(block)}`, `DTEND:${stamp(block + HOUR)}`, 'SUMMARY:Gym', 'END:VEVENT');
    }
  }
  return people.map((p, i) => ({ ...p, ics: ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//unmeet bench//EN', ...lines[i]!, 'END:VCALENDAR', ''].join('\r\n') }));
}
