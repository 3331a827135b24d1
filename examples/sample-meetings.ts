/**
 * What the sample team's calendars hold: the recurring series, personal blocks, one-off meetings
 * and leave of one squad of seven, and the seeded ad-hoc meetings (`adHocMeetings`) that make a
 * distributed team's week look like one: 30–50 % of working time in meetings.
 */
import { adHocMeetings } from './ad-hoc-meetings';
import { addDays, type Meeting, type Person } from './ics-export';

/** The calendar of one squad of seven people over `weeks` weeks; one-off meetings repeat every four weeks. */
export function squadMeetings(weeks: number, people: readonly Person[]): Meeting[] {
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
      partstat: { jack: 'DECLINED', budi: 'DECLINED', ayu: 'ACCEPTED' },
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
      start: '2026-10-05T16:30', // Tuesday 07:30 in Sydney until Oct 31, then 08:30
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
      start: '2026-10-08T10:00',
      minutes: 60,
      rrule: 'FREQ=WEEKLY;BYDAY=TH',
      description: 'Laporan progres mingguan dari setiap anggota tim.',
      conference: 'meet',
    },
    {
      key: 'eng-leads',
      title: 'Eng leads sync',
      organizer: 'dana',
      attendees: ['dana', 'marco', 'olivia'],
      zone: 'America/New_York',
      start: '2026-10-07T10:00', // 15:00 London, 16:00 Berlin
      minutes: 45,
      rrule: 'FREQ=WEEKLY;BYDAY=WE;UNTIL=20261216T150000Z', // until the reorg in December
      conference: 'meet',
    },
    {
      key: 'ops-check',
      title: 'Daily ops check-in',
      organizer: 'marco',
      attendees: ['marco', 'olivia'],
      zone: 'Europe/Berlin',
      start: '2026-10-05T09:00', // 08:00 in London, before Olivia's day starts
      minutes: 15,
      rrule: 'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20261218T080000Z',
      description: 'Quick round: what broke overnight, who is on it.',
      conference: 'teams',
    },
    {
      key: 'escalations',
      title: 'Escalations status review',
      organizer: 'marco',
      attendees: ['marco', 'sam', 'dana'],
      zone: 'Europe/Berlin',
      start: '2026-10-08T17:30', // 08:30 Los Angeles, 11:30 New York, after Marco's day
      minutes: 30,
      rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=TH;WKST=MO;UNTIL=20261217T163000Z',
      description: 'Status of open customer escalations, round the table.',
      conference: 'teams',
    },
    {
      key: 'business-review',
      title: 'Monthly business review',
      organizer: 'olivia',
      attendees: ['olivia', 'marco', 'dana', 'sam'],
      zone: 'Europe/London',
      start: '2026-10-01T16:00',
      minutes: 60,
      rrule: 'FREQ=MONTHLY;BYDAY=1TH',
      description:
        'Agenda:\n1. Revenue and churn against plan (15 min)\n2. Top three risks and owners (30 min)\n3. Decisions for next month (15 min)\n\nDeck: https://docs.google.com/presentation/d/1MbrAcme/edit',
      conference: 'meet',
    },
    {
      key: 'buddy-check-in',
      title: 'Onboarding buddy check-in',
      organizer: 'ayu',
      attendees: ['ayu', 'budi'],
      zone: 'Asia/Jakarta',
      start: '2026-10-27T15:00',
      minutes: 30,
      rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=6',
      conference: 'meet',
    },
    {
      key: 'on-call-handover',
      title: 'On-call handover',
      organizer: 'marco',
      attendees: ['marco', 'olivia'],
      zone: 'Europe/Berlin',
      start: '2026-10-05T14:00',
      minutes: 30,
      rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20261218T130000Z',
      conference: 'teams',
    },
    {
      key: 'one-on-one-dana-marco',
      title: 'Dana / Marco 1:1',
      organizer: 'dana',
      attendees: ['dana', 'marco'],
      zone: 'America/New_York',
      start: '2026-10-06T09:30', // 15:30 in Berlin
      minutes: 30,
      rrule: 'FREQ=WEEKLY;BYDAY=TU;UNTIL=20261215T143000Z',
      conference: 'meet',
    },
    {
      key: 'phone-screens',
      title: 'Candidate phone screen',
      organizer: 'olivia',
      attendees: ['olivia'],
      guests: ['talent@recruiting.example'],
      zone: 'Europe/London',
      start: '2026-10-06T11:00',
      minutes: 30,
      rrule: 'FREQ=WEEKLY;BYDAY=TU,TH;COUNT=20', // until the role is filled
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
    // Leave as Outlook marks it (OOF on a timed afternoon) and as people title it (all-day "OOO").
    add(2, { key: 'budi-izin', title: 'Izin - urusan keluarga', organizer: null, attendees: ['budi'], zone: 'Asia/Jakarta', start: '2026-11-20T13:00', minutes: 240, away: true });
    add(3, { key: 'jack-ooo', title: 'OOO', organizer: null, attendees: ['jack'], zone: 'Australia/Sydney', start: '2026-11-23', minutes: 2 * 24 * 60 });
    add(3, { key: 'dana-ooo', title: 'Out of office', organizer: null, attendees: ['dana'], zone: 'America/New_York', start: '2026-11-27', minutes: 24 * 60 });
  }
  meetings.push(...adHocMeetings(weeks, people));
  return meetings;
}

