/**
 * Deterministic generator for the sample "Acme" workspace: `team.json` plus one ICS export per
 * member, covering the four weeks from Monday 2026-11-02 to 2026-11-30.
 *
 *   npx tsx examples/generate.ts                      # writes examples/team.json and examples/*.ics
 *   npx tsx examples/generate.ts --members 200 --weeks 26 --out /tmp/acme-200   # a larger synthetic workspace
 *
 * Seven people in six zones (Jakarta ×2, New York, Los Angeles, London, Berlin, Sydney). Half the
 * files look like Google Calendar exports (IANA TZIDs, X-WR-TIMEZONE, Meet links), half like
 * Outlook/Exchange exports (Windows zone names with their own VTIMEZONE blocks, X-MICROSOFT-CDO-*
 * fields, Teams links). Every shared meeting appears in each attendee's file under the same UID
 * with that attendee's own PARTSTAT, as real exports do. No clock, no network: a fixed seed
 * drives a small PRNG, so the output is byte-for-byte stable.
 *
 * What is in it (examples/sample-meetings.ts, examples/ad-hoc-meetings.ts): a team in trouble,
 * about a third of working time in meetings. Two daily stand-ups, a large weekly status sync
 * without an agenda at 22:00 in Jakarta (one instance cancelled), a daily ops check-in before
 * London's day starts, weekly 1:1s (one cancelled, one moved), a fortnightly design review with
 * an agenda, sprint rituals, a monthly business review (BYDAY=1TH), series ending by UNTIL or
 * COUNT, a town hall, after-hours cross-zone calls, a weekend release call, personal blocks,
 * leave (an all-day "Cuti" and "OOO", an Outlook OOF afternoon), declined, transparent and
 * all-day events, one focus block created by unmeet, and seeded ad-hoc meetings (reviews,
 * pairing, interviews) placed where the invitees' days overlap. Marco, the hub, ends past the
 * 50 % meeting-share line; Olivia, part-time, under 10 h of focus a week. Recurring series start
 * in October, before the European and US clocks change.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRandom } from '../bench/seeded-random';
import { calendarFile, type Context, type Member, type PartStat, type Person, type WorkingHoursJson } from './ics-export';
import { squadMeetings } from './sample-meetings';

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  members: number;
  weeks: number;
  out: string;
}

function readOptions(argv: string[]): Options {
  const here = dirname(fileURLToPath(import.meta.url));
  const options: Options = { members: 7, weeks: 4, out: here };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--members' && value) options.members = Math.max(1, Number.parseInt(value, 10));
    else if (flag === '--weeks' && value) options.weeks = Math.max(1, Number.parseInt(value, 10));
    else if (flag === '--out' && value) options.out = resolve(value);
    else if (flag === '--help') {
      console.log('usage: tsx examples/generate.ts [--members N] [--weeks W] [--out DIR]');
      process.exit(0);
    } else continue;
    i += 1;
  }
  return options;
}

const WEEKDAYS_9_TO_5: WorkingHoursJson = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' };

const PEOPLE: Person[] = [
  { key: 'ayu', name: 'Ayu Lestari', zone: 'Asia/Jakarta', locale: 'id', style: 'google', workingHours: WEEKDAYS_9_TO_5 },
  { key: 'budi', name: 'Budi Santoso', zone: 'Asia/Jakarta', locale: 'id', style: 'outlook', workingHours: WEEKDAYS_9_TO_5 },
  { key: 'dana', name: 'Dana Whitfield', zone: 'America/New_York', locale: 'en', style: 'google', workingHours: WEEKDAYS_9_TO_5 },
  { key: 'sam', name: 'Sam Okafor', zone: 'America/Los_Angeles', locale: 'en', style: 'outlook', workingHours: WEEKDAYS_9_TO_5 },
  {
    key: 'olivia',
    name: 'Olivia Hughes',
    zone: 'Europe/London',
    locale: 'en',
    style: 'google',
    // Part-time Wednesday and Friday, with a lunch break on full days.
    workingHours: {
      mon: [['09:00', '12:30'], ['13:30', '17:30']],
      tue: [['09:00', '12:30'], ['13:30', '17:30']],
      wed: [['09:00', '13:00']],
      thu: [['09:00', '12:30'], ['13:30', '17:30']],
      fri: [['09:00', '15:00']],
    },
  },
  { key: 'marco', name: 'Marco Weber', zone: 'Europe/Berlin', locale: 'de', style: 'outlook', workingHours: WEEKDAYS_9_TO_5 },
  {
    key: 'jack',
    name: 'Jack Nguyen',
    zone: 'Australia/Sydney',
    locale: 'en',
    style: 'google',
    workingHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:30', end: '16:30' },
  },
];

// ---------------------------------------------------------------------------------------------
// Main

function generate(options: Options): { files: Map<string, string>; team: unknown } {
  const random = createRandom(20261102);
  const files = new Map<string, string>();
  const teamMembers: unknown[] = [];
  const squads = Math.ceil(options.members / PEOPLE.length);
  const meetings = squadMeetings(options.weeks, PEOPLE);

  for (let squad = 0; squad < squads; squad++) {
    const members = new Map<string, Member>();
    PEOPLE.forEach((person, index) => {
      if (squad * PEOPLE.length + index >= options.members) return;
      const local = squad === 0 ? person.key : `${person.key}.${squad}`;
      members.set(person.key, {
        ...person,
        name: squad === 0 ? person.name : `${person.name} ${squad}`,
        email: `${local}@example.com`,
        file: `${local}.ics`,
        squad,
      });
    });
    // Meetings only among the people present in this (possibly partial) squad.
    const present = meetings
      .map((m) => ({ ...m, attendees: m.attendees.filter((a) => members.has(a)) }))
      .filter((m) => m.attendees.length > 0 && (m.organizer === null || members.has(m.organizer)));

    // Responses: explicit ones first, then drawn once per (meeting, person) in a fixed order.
    const responses = new Map<string, PartStat>();
    for (const m of present) {
      for (const person of m.attendees) {
        let partstat: PartStat = m.partstat?.[person] ?? 'ACCEPTED';
        if (!m.partstat?.[person] && m.organizer !== null && person !== m.organizer) {
          const r = random();
          partstat = r < 0.85 ? 'ACCEPTED' : r < 0.93 ? 'TENTATIVE' : 'NEEDS-ACTION';
        }
        responses.set(`${m.key}|${person}`, partstat);
      }
    }
    const ctx: Context = { members, squad, partstat: (m, person) => responses.get(`${m.key}|${person}`) ?? 'ACCEPTED' };

    for (const member of members.values()) {
      files.set(member.file, calendarFile(member, present, ctx));
      teamMembers.push({
        email: member.email,
        name: member.name,
        timeZone: member.zone,
        locale: member.locale,
        workingHours: member.workingHours,
        calendars: [{ ics: member.file }],
      });
    }
  }

  const team = {
    workspace: { name: 'Acme', hourlyRate: 80, currency: 'USD', focusMinMinutes: 120 },
    members: teamMembers,
  };
  return { files, team };
}

const options = readOptions(process.argv.slice(2));
const { files, team } = generate(options);
mkdirSync(options.out, { recursive: true });
writeFileSync(join(options.out, 'team.json'), `${JSON.stringify(team, null, 2)}\n`);
for (const [name, text] of files) writeFileSync(join(options.out, name), text);
console.log(`wrote team.json and ${files.size} ICS files to ${options.out}`);
