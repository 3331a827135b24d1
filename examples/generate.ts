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
 * What is in it: two daily stand-ups, a large weekly status sync without an agenda (one instance
 * cancelled), weekly 1:1s (one instance cancelled, one moved), a fortnightly design review with
 * an agenda, a planning meeting, a town hall, after-hours cross-zone calls, personal blocks, a
 * declined meeting, transparent and all-day events, and one focus block created by unmeet.
 * Recurring series start in October, before the European and US clocks change.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRandom } from '../bench/seeded-random';

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

// ---------------------------------------------------------------------------------------------
// Deterministic randomness and ids

/** FNV-1a, for ids that depend only on a meeting's key (not on generation order). */
function hash(text: string, salt = 0): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function idChars(key: string, length: number, alphabet: string): string {
  let out = '';
  for (let i = 0; out.length < length; i++) {
    let h = hash(key, i);
    for (let k = 0; k < 6 && out.length < length; k++) {
      out += alphabet[h % alphabet.length];
      h = Math.floor(h / alphabet.length);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// People

type Style = 'google' | 'outlook';
type WorkingHoursJson =
  | { days: string[]; start: string; end: string }
  | Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', Array<[string, string]>>>;

interface Person {
  key: string;
  name: string;
  zone: string;
  locale: string;
  style: Style;
  workingHours: WorkingHoursJson;
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

interface Member extends Person {
  email: string;
  file: string;
  squad: number;
}

// ---------------------------------------------------------------------------------------------
// Meetings

type PartStat = 'ACCEPTED' | 'DECLINED' | 'TENTATIVE' | 'NEEDS-ACTION';

interface Override {
  /** Local start of the instance being replaced, `YYYY-MM-DDTHH:MM` in the meeting's zone. */
  original: string;
  start?: string;
  minutes?: number;
  cancelled?: boolean;
  title?: string;
}

interface Meeting {
  key: string;
  title: string;
  /** Organizer person key; null for personal blocks. */
  organizer: string | null;
  /** Person keys (organizer included), or the owner for a personal block. */
  attendees: string[];
  /** External guests (not members). */
  guests?: string[];
  partstat?: Record<string, PartStat>;
  optional?: string[];
  zone: string;
  /** Local start `YYYY-MM-DDTHH:MM`, or `YYYY-MM-DD` for all-day events. */
  start: string;
  minutes: number;
  rrule?: string;
  exdates?: string[];
  overrides?: Override[];
  description?: string;
  conference?: 'meet' | 'teams' | 'zoom';
  transparent?: boolean;
  ownedByUnmeet?: boolean;
}

const MEET_FOOTER = (code: string) =>
  `-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-\nJoin with Google Meet: https://meet.google.com/${code}\n\nLearn more about Meet at: https://support.google.com/a/users/answer/9282720\n\nPlease do not edit this section.\n-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-`;
const TEAMS_FOOTER = (url: string, id: string) =>
  `________________________________________________________________________________\nMicrosoft Teams meeting\nJoin on your computer, mobile app or room device\nClick here to join the meeting<${url}>\nMeeting ID: ${id}\nPasscode: ${id.slice(-6).replace(/ /g, '')}\n________________________________________________________________________________`;

/** The calendar of one squad of seven people over `weeks` weeks; one-off meetings repeat every four weeks. */
function squadMeetings(weeks: number): Meeting[] {
  const meetings: Meeting[] = [
    // --- recurring -------------------------------------------------------------------------
    {
      key: 'platform-standup',
      title: 'Platform stand-up',
      organizer: 'dana',
      attendees: ['dana', 'sam', 'olivia', 'marco'],
      zone: 'America/New_York',
      start: '2026-10-05T10:30',
      minutes: 15,
      rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
      exdates: ['2026-11-26T10:30'], // Thanksgiving
      conference: 'meet',
    },
    {
      key: 'apac-standup',
      title: 'Stand-up APAC',
      organizer: 'ayu',
      attendees: ['ayu', 'budi', 'jack'],
      zone: 'Asia/Jakarta',
      start: '2026-10-05T09:30',
      minutes: 15,
      rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
      conference: 'meet',
    },
    {
      key: 'weekly-status',
      title: 'Weekly status sync',
      organizer: 'marco',
      attendees: ['marco', 'ayu', 'budi', 'dana', 'sam', 'olivia', 'jack'],
      partstat: { jack: 'DECLINED', budi: 'TENTATIVE', ayu: 'ACCEPTED' },
      zone: 'Europe/Berlin',
      start: '2026-10-06T16:00',
      minutes: 60,
      rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;WKST=MO',
      overrides: [{ original: '2026-11-24T16:00', cancelled: true }],
      description: 'Weekly status sync for the whole team. Everyone shares what they worked on.',
      conference: 'teams',
    },
    {
      key: 'one-on-one-dana-sam',
      title: 'Dana / Sam 1:1',
      organizer: 'dana',
      attendees: ['dana', 'sam'],
      zone: 'America/New_York',
      start: '2026-10-08T12:00',
      minutes: 30,
      rrule: 'FREQ=WEEKLY;BYDAY=TH',
      conference: 'meet',
    },
    {
      key: 'one-on-one-marco-olivia',
      title: 'Marco / Olivia 1:1',
      organizer: 'marco',
      attendees: ['marco', 'olivia'],
      zone: 'Europe/Berlin',
      start: '2026-10-05T10:00',
      minutes: 30,
      rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;WKST=MO',
      conference: 'teams',
    },
    {
      key: 'one-on-one-ayu-budi',
      title: '1:1 Ayu / Budi',
      organizer: 'ayu',
      attendees: ['ayu', 'budi'],
      zone: 'Asia/Jakarta',
      start: '2026-10-07T10:00',
      minutes: 30,
      rrule: 'FREQ=WEEKLY;BYDAY=WE',
      overrides: [
        { original: '2026-11-11T10:00', start: '2026-11-11T14:00' },
        { original: '2026-11-18T10:00', cancelled: true },
      ],
      conference: 'meet',
    },
    {
      key: 'one-on-one-dana-jack',
      title: 'Dana / Jack 1:1',
      organizer: 'dana',
      attendees: ['dana', 'jack'],
      zone: 'America/New_York',
      start: '2026-10-05T16:00', // Tuesday 07:00 in Sydney until Oct 31, then 08:00
      minutes: 30,
      rrule: 'FREQ=WEEKLY;BYDAY=MO',
      conference: 'zoom',
    },
    {
      key: 'design-review',
      title: 'Design review',
      organizer: 'olivia',
      attendees: ['olivia', 'marco', 'sam', 'dana'],
      optional: ['dana'],
      zone: 'Europe/London',
      start: '2026-10-08T15:00',
      minutes: 45,
      rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TH',
      description:
        'Agenda:\n1. Open design docs (10 min)\n2. Decisions needed (25 min)\n3. Next review owner (10 min)\n\nDocs: https://docs.google.com/document/d/1DesignReviewAcme/edit',
      conference: 'meet',
    },
    {
      key: 'sprint-planning',
      title: 'Sprint planning',
      organizer: 'dana',
      attendees: ['dana', 'sam', 'olivia', 'marco'],
      zone: 'America/New_York',
      start: '2026-10-05T11:00',
      minutes: 60,
      rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO',
      description: 'Agenda:\n1. Sprint goal\n2. Capacity\n3. Commitments\n\nBoard: https://acme.atlassian.net/wiki/spaces/ENG/pages/77/Sprint+board',
      conference: 'meet',
    },
    {
      key: 'sprint-retro',
      title: 'Sprint retro',
      organizer: 'dana',
      attendees: ['dana', 'sam', 'olivia', 'marco'],
      zone: 'America/New_York',
      start: '2026-10-16T11:00',
      minutes: 45,
      rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=FR',
      conference: 'meet',
    },
    {
      key: 'hiring-sync',
      title: 'Hiring sync',
      organizer: 'olivia',
      attendees: ['olivia', 'marco'],
      zone: 'Europe/London',
      start: '2026-10-05T09:30', // right after Marco / Olivia 1:1 (10:00 Berlin)
      minutes: 30,
      rrule: 'FREQ=WEEKLY;BYDAY=MO',
      conference: 'meet',
    },
    {
      key: 'infra-triage',
      title: 'Infra triage',
      organizer: 'marco',
      attendees: ['marco', 'olivia'],
      zone: 'Europe/Berlin',
      start: '2026-10-05T11:00',
      minutes: 30,
      rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;WKST=MO',
      description: 'Status of open infra tickets, round the table.',
      conference: 'teams',
    },
    {
      key: 'roadmap-sync',
      title: 'Roadmap status update',
      organizer: 'sam',
      attendees: ['sam', 'dana', 'marco', 'olivia'],
      zone: 'America/Los_Angeles',
      start: '2026-10-06T07:30', // 15:30/16:30 in Europe, before Sam's day starts
      minutes: 30,
      rrule: 'FREQ=WEEKLY;BYDAY=TU',
      conference: 'zoom',
    },
    {
      key: 'handoff',
      title: 'Americas / APAC handoff',
      organizer: 'jack',
      attendees: ['jack', 'sam', 'ayu'],
      zone: 'Australia/Sydney',
      start: '2026-10-09T09:00', // Thursday 15:00 Los Angeles, Friday 05:00/06:00 Jakarta
      minutes: 30,
      rrule: 'FREQ=WEEKLY;BYDAY=FR',
      conference: 'zoom',
    },
    {
      key: 'rapat-mingguan',
      title: 'Rapat mingguan tim APAC',
      organizer: 'ayu',
      attendees: ['ayu', 'budi', 'jack'],
      zone: 'Asia/Jakarta',
      start: '2026-10-08T13:00',
      minutes: 60,
      rrule: 'FREQ=WEEKLY;BYDAY=TH',
      description: 'Laporan progres mingguan dari setiap anggota tim.',
      conference: 'meet',
    },
    // --- personal blocks (no attendees) ------------------------------------------------------
    { key: 'sam-school-run', title: 'School run', organizer: null, attendees: ['sam'], zone: 'America/Los_Angeles', start: '2026-10-05T08:00', minutes: 30, rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR;WKST=MO' },
    { key: 'ayu-jumatan', title: 'Sholat Jumat', organizer: null, attendees: ['ayu'], zone: 'Asia/Jakarta', start: '2026-10-09T11:30', minutes: 90, rrule: 'FREQ=WEEKLY;BYDAY=FR' },
    { key: 'olivia-deep-work', title: 'Deep work', organizer: null, attendees: ['olivia'], zone: 'Europe/London', start: '2026-10-07T09:00', minutes: 120, rrule: 'FREQ=WEEKLY;BYDAY=WE' },
    { key: 'marco-lunch', title: 'Mittagessen', organizer: null, attendees: ['marco'], zone: 'Europe/Berlin', start: '2026-10-05T12:00', minutes: 60, rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR;WKST=MO', transparent: true },
    { key: 'dana-gym', title: 'Gym', organizer: null, attendees: ['dana'], zone: 'America/New_York', start: '2026-10-06T07:00', minutes: 60, rrule: 'FREQ=WEEKLY;BYDAY=TU,TH' },
    { key: 'budi-jemput', title: 'Jemput anak', organizer: null, attendees: ['budi'], zone: 'Asia/Jakarta', start: '2026-10-05T16:30', minutes: 30, rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR;WKST=MO' },
  ];

  // --- one-off meetings, repeated every four weeks --------------------------------------------
  const blocks = Math.ceil(weeks / 4);
  for (let block = 0; block < blocks; block++) {
    const when = (week: number, local: string): string | null => {
      if (block * 4 + week >= weeks) return null;
      return addDays(local, block * 28);
    };
    const suffix = block === 0 ? '' : `-b${block}`;
    const add = (week: number, meeting: Meeting): void => {
      const start = when(week, meeting.start);
      if (start) meetings.push({ ...meeting, key: meeting.key + suffix, start });
    };
    add(2, {
      key: 'q1-planning',
      title: 'Q1 planning',
      organizer: 'olivia',
      attendees: ['olivia', 'marco', 'dana', 'ayu'],
      partstat: { ayu: 'TENTATIVE' },
      zone: 'Europe/London',
      start: '2026-11-18T13:00',
      minutes: 90,
      description:
        'Agenda\n- Review Q4 outcomes\n- Agree on three Q1 bets\n- Owners and dates\n\nPre-read: https://acme.sharepoint.com/sites/product/Shared%20Documents/Q1-bets.docx',
      conference: 'meet',
    });
    add(1, {
      key: 'incident-review',
      title: 'Incident review: checkout latency',
      organizer: 'dana',
      attendees: ['dana', 'ayu', 'jack'],
      zone: 'America/New_York',
      start: '2026-11-10T19:00', // Wed 07:00 Jakarta, 11:00 Sydney
      minutes: 45,
      description: 'Timeline and follow-ups: https://acme.atlassian.net/wiki/spaces/ENG/pages/4242/Checkout+latency',
      conference: 'zoom',
    });
    add(3, {
      key: 'vendor-escalation',
      title: 'Vendor escalation',
      organizer: 'marco',
      attendees: ['marco', 'sam'],
      guests: ['support@vendor.example'],
      zone: 'Europe/Berlin',
      start: '2026-11-24T07:30', // Mon 22:30 in Los Angeles
      minutes: 30,
      conference: 'teams',
    });
    add(2, {
      key: 'town-hall',
      title: 'Town hall',
      organizer: 'olivia',
      attendees: ['olivia', 'ayu', 'budi', 'dana', 'sam', 'marco', 'jack'],
      partstat: { budi: 'DECLINED', ayu: 'DECLINED', jack: 'NEEDS-ACTION' },
      zone: 'Europe/London',
      start: '2026-11-19T17:00',
      minutes: 45,
      description: 'Company update from the leadership team. The recording will be shared afterwards.',
      conference: 'meet',
    });
    add(0, {
      key: 'customer-call',
      title: 'Customer call: Globex onboarding',
      organizer: 'sam',
      attendees: ['sam'],
      guests: ['it-lead@globex.example'],
      zone: 'America/Los_Angeles',
      start: '2026-11-04T11:00',
      minutes: 60,
      conference: 'zoom',
    });
    add(1, { key: 'jack-dentist', title: 'Dentist', organizer: null, attendees: ['jack'], zone: 'Australia/Sydney', start: '2026-11-12T10:00', minutes: 60 });
    add(0, {
      key: 'olivia-focus',
      title: 'Focus time',
      organizer: null,
      attendees: ['olivia'],
      zone: 'Europe/London',
      start: '2026-11-05T13:30',
      minutes: 120,
      description: 'Protected by unmeet. Move or delete it if you need the time.',
      ownedByUnmeet: true,
    });
    add(1, {
      key: 'release-weekend',
      title: 'Release go/no-go',
      organizer: 'jack',
      attendees: ['jack', 'ayu', 'budi'],
      zone: 'Australia/Sydney',
      start: '2026-11-14T11:00', // a Saturday: 07:00 in Jakarta
      minutes: 60,
      conference: 'zoom',
    });
    if (block > 0) continue;
    // All-day events, once
    add(3, { key: 'dana-thanksgiving', title: 'Thanksgiving', organizer: null, attendees: ['dana'], zone: 'America/New_York', start: '2026-11-26', minutes: 24 * 60, transparent: true });
    add(3, { key: 'sam-thanksgiving', title: 'Thanksgiving', organizer: null, attendees: ['sam'], zone: 'America/Los_Angeles', start: '2026-11-26', minutes: 24 * 60, transparent: true });
    add(1, { key: 'ayu-cuti', title: 'Cuti', organizer: null, attendees: ['ayu'], zone: 'Asia/Jakarta', start: '2026-11-13', minutes: 24 * 60 });
  }
  return meetings;
}

// ---------------------------------------------------------------------------------------------
// Time helpers (local wall-clock strings; zones are expressed by TZID, never converted here)

function addDays(local: string, days: number): string {
  const [date, time] = local.split('T') as [string, string | undefined];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const shifted = new Date(Date.UTC(y, m - 1, d + days));
  const iso = shifted.toISOString().slice(0, 10);
  return time ? `${iso}T${time}` : iso;
}

function addMinutes(local: string, minutes: number): string {
  const [date, time] = local.split('T') as [string, string];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, d, hh, mm + minutes)).toISOString().slice(0, 16);
}

/** `2026-11-02T09:30` → `20261102T093000`; `2026-11-02` → `20261102`. */
const icsLocal = (local: string): string =>
  local.length === 10 ? local.replace(/-/g, '') : `${local.slice(0, 10).replace(/-/g, '')}T${local.slice(11, 13)}${local.slice(14, 16)}00`;

// ---------------------------------------------------------------------------------------------
// Time zones

const WINDOWS_NAME: Record<string, string> = {
  'America/Los_Angeles': 'Pacific Standard Time',
  'America/New_York': 'Eastern Standard Time',
  'Europe/London': 'GMT Standard Time',
  'Europe/Berlin': 'W. Europe Standard Time',
  'Asia/Jakarta': 'SE Asia Standard Time',
  'Australia/Sydney': 'AUS Eastern Standard Time',
};

interface ZoneRule {
  standard: { from: string; to: string; name: string; at: string; month?: number; byday?: string };
  daylight?: { from: string; to: string; name: string; at: string; month: number; byday: string };
}

const ZONE_RULES: Record<string, ZoneRule> = {
  'America/Los_Angeles': {
    standard: { from: '-0700', to: '-0800', name: 'PST', at: '020000', month: 11, byday: '1SU' },
    daylight: { from: '-0800', to: '-0700', name: 'PDT', at: '020000', month: 3, byday: '2SU' },
  },
  'America/New_York': {
    standard: { from: '-0400', to: '-0500', name: 'EST', at: '020000', month: 11, byday: '1SU' },
    daylight: { from: '-0500', to: '-0400', name: 'EDT', at: '020000', month: 3, byday: '2SU' },
  },
  'Europe/London': {
    standard: { from: '+0100', to: '+0000', name: 'GMT', at: '020000', month: 10, byday: '-1SU' },
    daylight: { from: '+0000', to: '+0100', name: 'BST', at: '010000', month: 3, byday: '-1SU' },
  },
  'Europe/Berlin': {
    standard: { from: '+0200', to: '+0100', name: 'CET', at: '030000', month: 10, byday: '-1SU' },
    daylight: { from: '+0100', to: '+0200', name: 'CEST', at: '020000', month: 3, byday: '-1SU' },
  },
  'Asia/Jakarta': { standard: { from: '+0700', to: '+0700', name: 'WIB', at: '000000' } },
  'Australia/Sydney': {
    standard: { from: '+1100', to: '+1000', name: 'AEST', at: '030000', month: 4, byday: '1SU' },
    daylight: { from: '+1000', to: '+1100', name: 'AEDT', at: '020000', month: 10, byday: '1SU' },
  },
};

/** A VTIMEZONE block as Google (IANA TZID, 1970 rules) or Outlook (Windows name, 1601 rules) writes it. */
function vtimezone(zone: string, style: Style): string[] {
  const rules = ZONE_RULES[zone];
  if (!rules) throw new Error(`no VTIMEZONE rules for ${zone}`);
  const google = style === 'google';
  const lines = ['BEGIN:VTIMEZONE', `TZID:${google ? zone : WINDOWS_NAME[zone]}`];
  if (google) lines.push(`X-LIC-LOCATION:${zone}`);
  const part = (kind: 'STANDARD' | 'DAYLIGHT', p: { from: string; to: string; name: string; at: string; month?: number; byday?: string }) => {
    const month = String(p.month ?? 1).padStart(2, '0');
    lines.push(`BEGIN:${kind}`);
    if (google) {
      lines.push(`TZOFFSETFROM:${p.from}`, `TZOFFSETTO:${p.to}`, `TZNAME:${p.name}`, `DTSTART:1970${p.month ? month : '01'}01T${p.at}`);
      if (p.month) lines.push(`RRULE:FREQ=YEARLY;BYMONTH=${p.month};BYDAY=${p.byday}`);
    } else {
      lines.push(`DTSTART:16010101T${p.at}`, `TZOFFSETFROM:${p.from}`, `TZOFFSETTO:${p.to}`);
      if (p.month) lines.push(`RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=${p.byday};BYMONTH=${p.month}`);
    }
    lines.push(`END:${kind}`);
  };
  part('STANDARD', rules.standard);
  if (rules.daylight) part('DAYLIGHT', rules.daylight);
  else if (!google) part('DAYLIGHT', rules.standard); // Outlook always writes both
  lines.push('END:VTIMEZONE');
  return lines;
}

// ---------------------------------------------------------------------------------------------
// ICS writing

const DTSTAMP = '20261030T120000Z';
const CREATED = '20260928T090000Z';

function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\n/g, '\\n');
}

/** Fold a content line at 75 octets (RFC 5545 §3.1); the text here is ASCII. */
function fold(line: string): string {
  if (line.length <= 75) return line;
  const parts = [line.slice(0, 75)];
  for (let i = 75; i < line.length; i += 74) parts.push(` ${line.slice(i, i + 74)}`);
  return parts.join('\r\n');
}

interface Context {
  members: Map<string, Member>; // by person key, within the squad
  squad: number;
  partstat: (meeting: Meeting, person: string) => PartStat;
}

function uidFor(meeting: Meeting, squad: number, organizerStyle: Style): string {
  const key = `${meeting.key}#${squad}`;
  if (organizerStyle === 'google') return `${idChars(key, 26, 'abcdefghijklmnopqrstuv0123456789')}@google.com`;
  return `040000008200E00074C5B7101A82E00800000000${idChars(key, 16, '0123456789ABCDEF')}01000000000000000010000000${idChars(`${key}/2`, 32, '0123456789ABCDEF')}`;
}

function conferenceUrl(meeting: Meeting, squad: number): string | null {
  const key = `${meeting.key}#${squad}`;
  switch (meeting.conference) {
    case 'meet':
      return `https://meet.google.com/${idChars(key, 3, 'abcdefghijklmnopqrstuvwxyz')}-${idChars(`${key}1`, 4, 'abcdefghijklmnopqrstuvwxyz')}-${idChars(`${key}2`, 3, 'abcdefghijklmnopqrstuvwxyz')}`;
    case 'zoom':
      return `https://acme.zoom.us/j/${String(hash(key)).padStart(10, '8').slice(0, 10)}1?pwd=${idChars(key, 12, 'abcdefghijkLMNOPQ0123456789')}`;
    case 'teams':
      return `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${idChars(key, 24, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789')}%40thread.v2/0?context=%7b%22Tid%22%3a%22acme%22%7d`;
    default:
      return null;
  }
}

function describe(meeting: Meeting, squad: number): string | null {
  const url = conferenceUrl(meeting, squad);
  const parts: string[] = [];
  if (meeting.description) parts.push(meeting.description);
  if (meeting.conference === 'meet' && url) parts.push(MEET_FOOTER(url.slice('https://meet.google.com/'.length)));
  if (meeting.conference === 'teams' && url) parts.push(TEAMS_FOOTER(url, `3${String(hash(meeting.key)).slice(0, 2)} ${String(hash(meeting.key, 7)).slice(0, 3)} 215 ${String(squad).padStart(3, '0')}`));
  if (meeting.conference === 'zoom' && url) parts.push(`Join Zoom Meeting\n${url}`);
  return parts.length > 0 ? parts.join('\n\n') : null;
}

/** The VEVENT lines (master and overrides) of one meeting as it appears in `viewer`'s export. */
function vevents(meeting: Meeting, viewer: Member, ctx: Context): string[] {
  const style = viewer.style;
  const organizer = meeting.organizer ? ctx.members.get(meeting.organizer) : undefined;
  const uid = uidFor(meeting, ctx.squad, organizer?.style ?? viewer.style);
  const tzid = style === 'google' ? meeting.zone : (WINDOWS_NAME[meeting.zone] as string);
  const allDay = meeting.start.length === 10;
  const url = conferenceUrl(meeting, ctx.squad);
  const description = describe(meeting, ctx.squad);
  const own = ctx.partstat(meeting, viewer.key);

  const attendeeLines = (): string[] => {
    if (!organizer) return [];
    const lines: string[] = [];
    const people = meeting.attendees.map((key) => ctx.members.get(key) as Member);
    for (const person of people) {
      const partstat = ctx.partstat(meeting, person.key);
      const role = meeting.optional?.includes(person.key) ? 'OPT-PARTICIPANT' : 'REQ-PARTICIPANT';
      lines.push(
        style === 'google'
          ? `ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=${role};PARTSTAT=${partstat};CN=${person.name};X-NUM-GUESTS=0:mailto:${person.email}`
          : `ATTENDEE;ROLE=${role};PARTSTAT=${partstat};RSVP=TRUE;CN=${person.name}:mailto:${person.email}`,
      );
    }
    for (const guest of meeting.guests ?? []) {
      lines.push(
        style === 'google'
          ? `ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=${guest};X-NUM-GUESTS=0:mailto:${guest}`
          : `ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE;CN=${guest}:mailto:${guest}`,
      );
    }
    return lines;
  };

  const times = (start: string, minutes: number): string[] => {
    if (allDay) {
      const end = addDays(start, Math.max(1, Math.round(minutes / (24 * 60))));
      return [`DTSTART;VALUE=DATE:${icsLocal(start)}`, `DTEND;VALUE=DATE:${icsLocal(end)}`];
    }
    return [`DTSTART;TZID=${tzid}:${icsLocal(start)}`, `DTEND;TZID=${tzid}:${icsLocal(addMinutes(start, minutes))}`];
  };

  const busyStatus = (cancelled: boolean): string =>
    meeting.transparent || cancelled ? 'FREE' : own === 'TENTATIVE' ? 'TENTATIVE' : 'BUSY';

  const google = (start: string, minutes: number, extra: { recurrenceId?: string; cancelled?: boolean; title?: string; sequence: number }): string[] => {
    const lines = ['BEGIN:VEVENT', ...times(start, minutes)];
    if (!extra.recurrenceId && meeting.rrule) lines.push(`RRULE:${meeting.rrule}`);
    if (!extra.recurrenceId) for (const ex of meeting.exdates ?? []) lines.push(`EXDATE;TZID=${tzid}:${icsLocal(ex)}`);
    lines.push(`DTSTAMP:${DTSTAMP}`);
    if (organizer) lines.push(`ORGANIZER;CN=${organizer.name}:mailto:${organizer.email}`);
    lines.push(`UID:${uid}`);
    if (extra.recurrenceId) lines.push(`RECURRENCE-ID;TZID=${tzid}:${icsLocal(extra.recurrenceId)}`);
    lines.push(...attendeeLines());
    if (meeting.conference === 'meet' && url) lines.push(`X-GOOGLE-CONFERENCE:${url}`);
    lines.push(`CREATED:${CREATED}`);
    lines.push(`DESCRIPTION:${description ? escapeText(description) : ''}`);
    lines.push(`LAST-MODIFIED:${DTSTAMP}`);
    lines.push(`LOCATION:${meeting.conference === 'zoom' && url ? escapeText(url) : ''}`);
    lines.push(`SEQUENCE:${extra.sequence}`, `STATUS:${extra.cancelled ? 'CANCELLED' : 'CONFIRMED'}`);
    lines.push(`SUMMARY:${escapeText(extra.title ?? meeting.title)}`, `TRANSP:${meeting.transparent ? 'TRANSPARENT' : 'OPAQUE'}`);
    if (meeting.ownedByUnmeet) lines.push('X-UNMEET-OWNED:1');
    if (!extra.cancelled && !allDay) lines.push('BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:This is an event reminder', 'TRIGGER:-P0DT0H10M0S', 'END:VALARM');
    lines.push('END:VEVENT');
    return lines;
  };

  const outlook = (start: string, minutes: number, extra: { recurrenceId?: string; cancelled?: boolean; title?: string; sequence: number }): string[] => {
    const lines = ['BEGIN:VEVENT'];
    if (organizer) lines.push(`ORGANIZER;CN=${organizer.name}:mailto:${organizer.email}`);
    lines.push(...attendeeLines());
    lines.push(`DESCRIPTION;LANGUAGE=en-US:${description ? escapeText(description) : ''}\\n`);
    if (!extra.recurrenceId && meeting.rrule) lines.push(`RRULE:${meeting.rrule}`);
    if (!extra.recurrenceId && meeting.exdates?.length) lines.push(`EXDATE;TZID=${tzid}:${meeting.exdates.map(icsLocal).join(',')}`);
    lines.push(`UID:${uid}`);
    if (extra.recurrenceId) lines.push(`RECURRENCE-ID;TZID=${tzid}:${icsLocal(extra.recurrenceId)}`);
    lines.push(`SUMMARY;LANGUAGE=en-US:${escapeText((extra.cancelled ? 'Canceled: ' : '') + (extra.title ?? meeting.title))}`);
    lines.push(...times(start, minutes));
    lines.push('CLASS:PUBLIC', 'PRIORITY:5', `DTSTAMP:${DTSTAMP}`);
    lines.push(`TRANSP:${meeting.transparent || extra.cancelled ? 'TRANSPARENT' : 'OPAQUE'}`);
    lines.push(`STATUS:${extra.cancelled ? 'CANCELLED' : 'CONFIRMED'}`, `SEQUENCE:${extra.sequence}`);
    const location = meeting.conference === 'teams' ? 'Microsoft Teams Meeting' : meeting.conference === 'zoom' && url ? url : '';
    lines.push(`LOCATION;LANGUAGE=en-US:${escapeText(location)}`);
    lines.push(`X-MICROSOFT-CDO-APPT-SEQUENCE:${extra.sequence}`);
    lines.push(`X-MICROSOFT-CDO-BUSYSTATUS:${busyStatus(Boolean(extra.cancelled))}`, 'X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY');
    lines.push(`X-MICROSOFT-CDO-ALLDAYEVENT:${allDay ? 'TRUE' : 'FALSE'}`, 'X-MICROSOFT-CDO-IMPORTANCE:1');
    lines.push(`X-MICROSOFT-CDO-INSTTYPE:${extra.recurrenceId ? 3 : meeting.rrule ? 1 : 0}`);
    if (meeting.conference === 'teams' && url) lines.push(`X-MICROSOFT-SKYPETEAMSMEETINGURL:${url}`);
    if (meeting.ownedByUnmeet) lines.push('X-UNMEET-OWNED:1');
    lines.push('X-MICROSOFT-DONOTFORWARDMEETING:FALSE', 'X-MICROSOFT-DISALLOW-COUNTER:FALSE');
    if (!extra.cancelled && !allDay) lines.push('BEGIN:VALARM', 'DESCRIPTION:REMINDER', 'TRIGGER;RELATED=START:-PT15M', 'ACTION:DISPLAY', 'END:VALARM');
    lines.push('END:VEVENT');
    return lines;
  };

  const write = style === 'google' ? google : outlook;
  const lines = write(meeting.start, meeting.minutes, { sequence: 0 });
  for (const override of meeting.overrides ?? []) {
    lines.push(
      ...write(override.start ?? override.original, override.minutes ?? meeting.minutes, {
        recurrenceId: override.original,
        cancelled: override.cancelled,
        title: override.title,
        sequence: 1,
      }),
    );
  }
  return lines;
}

function calendarFile(viewer: Member, meetings: Meeting[], ctx: Context): string {
  const mine = meetings.filter((m) => m.attendees.includes(viewer.key));
  const zones = new Set<string>();
  for (const m of mine) if (m.start.length > 10) zones.add(m.zone);
  zones.add(viewer.zone);
  const header =
    viewer.style === 'google'
      ? ['BEGIN:VCALENDAR', 'PRODID:-//Google Inc//Google Calendar 70.9054//EN', 'VERSION:2.0', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', `X-WR-CALNAME:${viewer.email}`, `X-WR-TIMEZONE:${viewer.zone}`]
      : ['BEGIN:VCALENDAR', 'METHOD:PUBLISH', 'PRODID:Microsoft Exchange Server 2010', 'VERSION:2.0', 'X-WR-CALNAME:Calendar'];
  const lines = [...header];
  for (const zone of [...zones].sort()) lines.push(...vtimezone(zone, viewer.style));
  for (const meeting of mine) lines.push(...vevents(meeting, viewer, ctx));
  lines.push('END:VCALENDAR');
  return `${lines.map(fold).join('\r\n')}\r\n`;
}

// ---------------------------------------------------------------------------------------------
// Main

function generate(options: Options): { files: Map<string, string>; team: unknown } {
  const random = createRandom(20261102);
  const files = new Map<string, string>();
  const teamMembers: unknown[] = [];
  const squads = Math.ceil(options.members / PEOPLE.length);
  const meetings = squadMeetings(options.weeks);

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
