/**
 * The sample team's ICS writer: each member's calendar as Google Calendar or Outlook/Exchange
 * writes its export (IANA or Windows TZIDs with their VTIMEZONE blocks, X-WR-* and
 * X-MICROSOFT-CDO-* fields, conference footers, folded lines, one UID per meeting across
 * attendees, each with their own PARTSTAT). `vevents` stays one function: the two exporters'
 * property orders read best side by side.
 */
// ---------------------------------------------------------------------------------------------
// Deterministic randomness and ids

/** FNV-1a, for ids that depend only on a meeting's key (not on generation order). */
export function hash(text: string, salt = 0): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function idChars(key: string, length: number, alphabet: string): string {
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

export type Style = 'google' | 'outlook';
export type WorkingHoursJson =
  | { days: string[]; start: string; end: string }
  | Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', Array<[string, string]>>>;

export interface Person {
  key: string;
  name: string;
  zone: string;
  locale: string;
  style: Style;
  workingHours: WorkingHoursJson;
}

export interface Member extends Person {
  email: string;
  file: string;
  squad: number;
}

// ---------------------------------------------------------------------------------------------
// Meetings

export type PartStat = 'ACCEPTED' | 'DECLINED' | 'TENTATIVE' | 'NEEDS-ACTION';

export interface Override {
  /** Local start of the instance being replaced, `YYYY-MM-DDTHH:MM` in the meeting's zone. */
  original: string;
  start?: string;
  minutes?: number;
  cancelled?: boolean;
  title?: string;
}

export interface Meeting {
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
  /** Out of office: Outlook writes X-MICROSOFT-CDO-BUSYSTATUS:OOF. */
  away?: boolean;
}

export const MEET_FOOTER = (code: string) =>
  `-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-\nJoin with Google Meet: https://meet.google.com/${code}\n\nLearn more about Meet at: https://support.google.com/a/users/answer/9282720\n\nPlease do not edit this section.\n-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-`;
export const TEAMS_FOOTER = (url: string, id: string) =>
  `________________________________________________________________________________\nMicrosoft Teams meeting\nJoin on your computer, mobile app or room device\nClick here to join the meeting<${url}>\nMeeting ID: ${id}\nPasscode: ${id.slice(-6).replace(/ /g, '')}\n________________________________________________________________________________`;

// ---------------------------------------------------------------------------------------------
// Time helpers (local wall-clock strings; zones are expressed by TZID, never converted here)

export function addDays(local: string, days: number): string {
  const [date, time] = local.split('T') as [string, string | undefined];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const shifted = new Date(Date.UTC(y, m - 1, d + days));
  const iso = shifted.toISOString().slice(0, 10);
  return time ? `${iso}T${time}` : iso;
}

export function addMinutes(local: string, minutes: number): string {
  const [date, time] = local.split('T') as [string, string];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, d, hh, mm + minutes)).toISOString().slice(0, 16);
}

/** `2026-11-02T09:30` → `20261102T093000`; `2026-11-02` → `20261102`. */
export const icsLocal = (local: string): string =>
  local.length === 10 ? local.replace(/-/g, '') : `${local.slice(0, 10).replace(/-/g, '')}T${local.slice(11, 13)}${local.slice(14, 16)}00`;

// ---------------------------------------------------------------------------------------------
// Time zones

export const WINDOWS_NAME: Record<string, string> = {
  'America/Los_Angeles': 'Pacific Standard Time',
  'America/New_York': 'Eastern Standard Time',
  'Europe/London': 'GMT Standard Time',
  'Europe/Berlin': 'W. Europe Standard Time',
  'Asia/Jakarta': 'SE Asia Standard Time',
  'Australia/Sydney': 'AUS Eastern Standard Time',
};

export interface ZoneRule {
  standard: { from: string; to: string; name: string; at: string; month?: number; byday?: string };
  daylight?: { from: string; to: string; name: string; at: string; month: number; byday: string };
}

type Change = [from: string, to: string, name: string, at: string, month: number, byday: string];
const change = ([from, to, name, at, month, byday]: Change) => ({ from, to, name, at, month, byday });
/** A zone with summer time: its standard and daylight changes, as `[TZOFFSETFROM, TZOFFSETTO, TZNAME, local time, month, BYDAY]`. */
const seasons = (standard: Change, daylight: Change): ZoneRule => ({ standard: change(standard), daylight: change(daylight) });

export const ZONE_RULES: Record<string, ZoneRule> = {
  'America/Los_Angeles': seasons(['-0700', '-0800', 'PST', '020000', 11, '1SU'], ['-0800', '-0700', 'PDT', '020000', 3, '2SU']),
  'America/New_York': seasons(['-0400', '-0500', 'EST', '020000', 11, '1SU'], ['-0500', '-0400', 'EDT', '020000', 3, '2SU']),
  'Europe/London': seasons(['+0100', '+0000', 'GMT', '020000', 10, '-1SU'], ['+0000', '+0100', 'BST', '010000', 3, '-1SU']),
  'Europe/Berlin': seasons(['+0200', '+0100', 'CET', '030000', 10, '-1SU'], ['+0100', '+0200', 'CEST', '020000', 3, '-1SU']),
  'Asia/Jakarta': { standard: { from: '+0700', to: '+0700', name: 'WIB', at: '000000' } },
  'Australia/Sydney': seasons(['+1100', '+1000', 'AEST', '030000', 4, '1SU'], ['+1000', '+1100', 'AEDT', '020000', 10, '1SU']),
};

/** A VTIMEZONE block as Google (IANA TZID, 1970 rules) or Outlook (Windows name, 1601 rules) writes it. */
export function vtimezone(zone: string, style: Style): string[] {
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

export const DTSTAMP = '20261030T120000Z';
export const CREATED = '20260928T090000Z';

export function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\n/g, '\\n');
}

/** Fold a content line at 75 octets (RFC 5545 §3.1); the text here is ASCII. */
export function fold(line: string): string {
  if (line.length <= 75) return line;
  const parts = [line.slice(0, 75)];
  for (let i = 75; i < line.length; i += 74) parts.push(` ${line.slice(i, i + 74)}`);
  return parts.join('\r\n');
}

export interface Context {
  members: Map<string, Member>; // by person key, within the squad
  squad: number;
  partstat: (meeting: Meeting, person: string) => PartStat;
}

export function uidFor(meeting: Meeting, squad: number, organizerStyle: Style): string {
  const key = `${meeting.key}#${squad}`;
  if (organizerStyle === 'google') return `${idChars(key, 26, 'abcdefghijklmnopqrstuv0123456789')}@google.com`;
  return `040000008200E00074C5B7101A82E00800000000${idChars(key, 16, '0123456789ABCDEF')}01000000000000000010000000${idChars(`${key}/2`, 32, '0123456789ABCDEF')}`;
}

export function conferenceUrl(meeting: Meeting, squad: number): string | null {
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

export function describe(meeting: Meeting, squad: number): string | null {
  const url = conferenceUrl(meeting, squad);
  const parts: string[] = [];
  if (meeting.description) parts.push(meeting.description);
  if (meeting.conference === 'meet' && url) parts.push(MEET_FOOTER(url.slice('https://meet.google.com/'.length)));
  if (meeting.conference === 'teams' && url) parts.push(TEAMS_FOOTER(url, `3${String(hash(meeting.key)).slice(0, 2)} ${String(hash(meeting.key, 7)).slice(0, 3)} 215 ${String(squad).padStart(3, '0')}`));
  if (meeting.conference === 'zoom' && url) parts.push(`Join Zoom Meeting\n${url}`);
  return parts.length > 0 ? parts.join('\n\n') : null;
}

/** The VEVENT lines (master and overrides) of one meeting as it appears in `viewer`'s export. */
export function vevents(meeting: Meeting, viewer: Member, ctx: Context): string[] {
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
    meeting.transparent || cancelled ? 'FREE' : meeting.away ? 'OOF' : own === 'TENTATIVE' ? 'TENTATIVE' : 'BUSY';

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
    lines.push(`X-MICROSOFT-CDO-BUSYSTATUS:${busyStatus(Boolean(extra.cancelled))}`, `X-MICROSOFT-CDO-INTENDEDSTATUS:${meeting.away ? 'OOF' : 'BUSY'}`);
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

export function calendarFile(viewer: Member, meetings: Meeting[], ctx: Context): string {
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

