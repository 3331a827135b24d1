/**
 * Meetings that could be a written update: an explainable 0–100 score per recurring series
 * (and per long or large one-off meeting). Every point comes from a named signal in
 * `FLAG_WEIGHTS` or a named dampener in `FLAG_DAMPENERS`, so each score is a list of reasons
 * `{ code, points, detail }` that sums to it. The rubric is a synthesis of published guidance
 * (GitLab, Basecamp, Shopify, Atlassian, Microsoft Research; see README), not a trained model:
 * calendar telemetry alone predicts meeting value poorly, so transparency beats cleverness.
 *
 * Pure: events, members and the range come in as arguments; nothing here reads a clock.
 */
import { DateTime } from 'luxon';
import type { CalendarEvent, DescriptionFacts, Member } from './types';
import { workingIntervals } from './working-hours';

/** Points per signal. The one table of weights (documented in README). */
export const FLAG_WEIGHTS = {
  /** Title wording of a status meeting: status/update/sync/stand-up/report/FYI/announcement/demo/readout (EN + ID). */
  'title.status_wording': 25,
  /** A recurring series with three or more attendees (Shopify's rule for its calendar purge). */
  'recurring.three_plus': 15,
  /** No description at all, or one without an agenda or a document link ("no agenda, no attenda"). */
  'description.no_agenda': 15,
  /** 8–14 attendees: "over eight people is a broadcast". */
  'audience.large': 10,
  /** 15 or more attendees (replaces `audience.large`). */
  'audience.very_large': 15,
  /** At least 30 % of the attendees are optional. */
  'audience.many_optional': 10,
  /** Broadcast shape: one organizer, 10+ attendees, 45+ minutes; or all-hands/town-hall/webinar wording. */
  'shape.broadcast': 10,
  /** A required attendee is outside their working hours (or on a day off) for the meeting. */
  'zones.outside_hours': 15,
  /** Attendees' UTC offsets span 8 hours or more (only when nobody is outside hours, so it is not counted twice). */
  'zones.wide_spread': 15,
  /** A recurring meeting of 15 minutes or less: a status ping that a message does as well. */
  'duration.very_short': 10,
  /** A recurring meeting of 60 minutes or more. */
  'duration.long_recurring': 10,
  /** Invitees often decline (≥ 20 %) or never answer (≥ 40 %, when responses are recorded at all). */
  'history.low_engagement': 10,
} as const;

/** Multipliers applied after the signals, in this order (documented in README). */
export const FLAG_DAMPENERS = {
  /** A 1:1 (two people, or 1:1 wording): conversations, not broadcasts. */
  'dampener.one_on_one': 0.5,
  /** Brainstorm/workshop/retro/planning/kickoff/interview/onboarding/social wording: genuinely interactive. */
  'dampener.collaborative': 0.5,
  /** Decision/approval wording without a linked proposal: the meeting may be where the decision happens. */
  'dampener.decision': 0.7,
  /** People from outside the workspace attend: their norms are not ours to change. */
  'dampener.external': 0.6,
  /** Incident/urgent wording: real-time coordination is the point. */
  'dampener.incident': 0.3,
} as const;

export type FlagSignalCode = keyof typeof FLAG_WEIGHTS;
export type FlagDampenerCode = keyof typeof FLAG_DAMPENERS;
export type FlagReasonCode = FlagSignalCode | FlagDampenerCode | 'score.capped';

/** Verdict thresholds: `keep` below 45, `consider-async` 45–69, `async` from 70. */
export const VERDICT_THRESHOLDS = { considerAsync: 45, async: 70 } as const;

export type Verdict = 'keep' | 'consider-async' | 'async';
export type SuggestedFormat = 'written-update' | 'decision-doc' | 'recorded-broadcast' | 'shared-notes';

/** One-off meetings are scored only when at least this long (minutes)… */
export const ONE_OFF_MIN_MINUTES = 60;
/** …or at least this large (attendees). */
export const ONE_OFF_MIN_ATTENDEES = 8;

/** A contribution to the score: a stable code, its points (negative for dampeners) and a sentence. */
export interface FlagReason {
  code: FlagReasonCode;
  points: number;
  detail: string;
  /** The numbers behind the sentence, so other languages can phrase it (emails). */
  params: Record<string, number | string>;
}

/**
 * What the rubric looks at for one series, reduced from its occurrences. Attendee counts are
 * people (rooms and other resources excluded), the organizer included.
 */
export interface SeriesFacts {
  /** The series key (iCalendar UID) for recurring series, the event id for one-offs. */
  seriesKey: string;
  title: string;
  organizer: string | null;
  recurring: boolean;
  /** Distinct occurrences (not cancelled) seen in the range. */
  occurrences: number;
  attendeeCount: number;
  optionalCount: number;
  durationMinutes: number;
  description: DescriptionFacts;
  /** Attendees whose address domain is none of the workspace's domains. */
  externalCount: number;
  /** Difference in hours between the largest and smallest UTC offset of member attendees; 0 with fewer than two. */
  zoneSpreadHours: number;
  /** Member attendees (required, not declined) for whom the meeting lies outside their working hours. */
  outsideHoursAttendees: string[];
  /** Share of invitee responses (organizer excluded) that are declines, 0–1. */
  declineRate: number;
  /** Share of invitee responses still "needs action", 0–1; null when no invitee has answered at all (feeds without responses). */
  noResponseRate: number | null;
  /** Estimated occurrences per year: the rate seen in the range (× 365 / range days); 1 for a one-off. */
  occurrencesPerYear: number;
}

export interface SeriesCost {
  /** Attendees × hours of one occurrence. */
  personHoursPerOccurrence: number;
  personHoursPerYear: number;
  /** `personHoursPerYear × hourlyRate`; null when the workspace sets no rate. */
  moneyPerYear: number | null;
}

/** A scored series: the facts it shares with `SeriesFacts` (same names, same meaning), plus the verdict. */
export interface SeriesFlag
  extends Pick<SeriesFacts, 'seriesKey' | 'title' | 'organizer' | 'recurring' | 'occurrences' | 'attendeeCount' | 'durationMinutes'> {
  score: number;
  verdict: Verdict;
  reasons: FlagReason[];
  suggestedFormat: SuggestedFormat | null;
  cost: SeriesCost;
}

// ---------------------------------------------------------------------------------------------
// Lexicons (English and Indonesian). Matched on the lower-cased title at word boundaries.

const words = (list: readonly string[]) =>
  new RegExp(`(?:^|[^\\p{L}\\p{N}])(?:${list.join('|')})(?=$|[^\\p{L}\\p{N}])`, 'iu');

/** Status/update wording. */
export const STATUS_LEXICON = words([
  // English
  'status', 'updates?', 'sync', 'sync-?up', 'check-?ins?', 'stand-?ups?', 'daily scrum', 'scrum', 'weekly', 'reports?', 'reporting',
  'fyi', 'announcements?', 'demos?', 'readouts?', 'recap', 'round-?up', 'briefing', 'progress', 'wbr', 'mbr', 'huddle', 'touch ?base',
  'catch-?up', 'newsletter', 'show and tell', 'show & tell', 'ops review', 'metrics review', 'kpi review',
  // Indonesian
  'rapat mingguan', 'rapat harian', 'rapat bulanan', 'laporan', 'lapor', 'pembaruan', 'pembaruan status', 'sinkronisasi', 'sinkron',
  'mingguan', 'harian', 'bulanan', 'progres', 'perkembangan', 'pengumuman', 'rakor', 'rapat koordinasi', 'koordinasi', 'apel pagi',
  'evaluasi mingguan', 'monitoring', 'monev', 'update mingguan', 'info',
]);

/** All-hands / broadcast wording. */
export const BROADCAST_LEXICON = words([
  'all-?hands', 'town ?hall', 'webinar', 'keynote', 'company meeting', 'quarterly review', 'qbr', 'broadcast', 'livestream',
  'rapat umum', 'rapat akbar', 'rapat besar', 'sosialisasi', 'pengumuman',
]);

/** Interactive, relationship or hiring wording: keep these live. */
export const COLLABORATIVE_LEXICON = words([
  'brainstorm(?:ing)?', 'workshops?', 'retro', 'retrospective', 'planning', 'plan', 'kick-?off', 'interviews?', 'onboarding', 'social',
  'happy hour', 'lunch', 'coffee', 'offsite', 'off-site', 'hackathon', 'design (?:session|jam|sprint)', 'whiteboard', 'training', 'celebration',
  'team building', 'mentoring', 'coaching', 'pairing', 'pair programming', 'postmortem', 'post-mortem', 'workshop',
  'curah pendapat', 'lokakarya', 'retrospeksi', 'retrospektif', 'perencanaan', 'rencana', 'wawancara', 'orientasi', 'makan siang', 'ngopi',
  'halal ?bihalal', 'buka bersama', 'bukber', 'arisan', 'pelatihan', 'syukuran', 'perpisahan', 'gathering', 'diskusi', 'bimbingan',
]);

/** Decision/approval wording. */
export const DECISION_LEXICON = words([
  'decisions?', 'decide', 'approvals?', 'approve', 'sign-?off', 'go/no-go', 'go-no-go', 'go no go', 'budget review', 'steering',
  'keputusan', 'persetujuan', 'pengambilan keputusan', 'putuskan', 'approval anggaran',
]);

/** Incident/urgent wording. */
export const INCIDENT_LEXICON = words([
  'incidents?', 'urgent', 'outage', 'war ?room', 'sev-?[0-9]', 'p0', 'p1', 'emergency', 'hotfix', 'escalation', 'asap',
  'insiden', 'darurat', 'mendesak', 'gangguan', 'segera',
]);

/** 1:1 wording. */
export const ONE_ON_ONE_LEXICON = words(['1:1', '1-1', '1 on 1', '1-on-1', 'one-on-one', 'one on one', 'o3', '1on1']);

// ---------------------------------------------------------------------------------------------
// Grouping occurrences into series.

const MINUTE_MS = 60_000;

export interface CollectSeriesInput {
  /** Workspace members: their zones and hours decide the time-zone signals; their domains who is external. */
  members: readonly Member[];
  /** Every member's event instances; the same meeting in several calendars is counted once. */
  events: readonly CalendarEvent[];
  /** Local range (`to` exclusive), used to count occurrences and extrapolate to a year. */
  range: { from: string; to: string };
}

const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

const humans = (event: CalendarEvent) => event.attendees.filter((a) => !a.resource);

/** People in a meeting: attendees that are not resources, plus the organizer if not listed. */
function peopleOf(event: CalendarEvent): string[] {
  const set = new Set(humans(event).map((a) => a.email));
  if (event.organizer) set.add(event.organizer);
  return [...set];
}

function isCandidate(event: CalendarEvent): boolean {
  return !event.allDay && event.status !== 'cancelled' && !event.createdByUnmeet && event.transparency === 'opaque' && peopleOf(event).length >= 2;
}

/** The most frequent value (ties → the larger), for a series' typical duration. */
function mode(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = values[0] ?? 0;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount || (c === bestCount && v > best)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

function outsideHours(event: CalendarEvent, member: Member): boolean {
  const local = DateTime.fromMillis(event.start, { zone: member.timeZone });
  const from = local.minus({ days: 1 }).toISODate()!;
  const to = local.plus({ days: 2 }).toISODate()!;
  const working = workingIntervals(member.workingHours, member.timeZone, from, to);
  return !working.some((w) => w.start <= event.start && w.end >= event.end);
}

/**
 * Groups event instances into the series the rubric scores: every recurring series (by its
 * `seriesKey`) and every one-off meeting at least 60 minutes long or with at least 8 people.
 * Instances outside the range, cancelled, all-day, free/transparent, created by unmeet or with
 * nobody but the owner are ignored. The same instance seen in several members' calendars is
 * counted once (by its external id). Facts come from the latest instance in the range (title,
 * attendees, description), durations from the most common instance length, responses from all
 * instances. Sorted by series key.
 */
export function collectSeries(input: CollectSeriesInput): SeriesFacts[] {
  const rangeStart = DateTime.fromISO(input.range.from, { zone: 'utc' }).minus({ hours: 14 }).toMillis();
  const rangeEnd = DateTime.fromISO(input.range.to, { zone: 'utc' }).plus({ hours: 12 }).toMillis();
  const rangeDays = Math.max(1, Math.round((Date.parse(`${input.range.to}T00:00:00Z`) - Date.parse(`${input.range.from}T00:00:00Z`)) / 86_400_000));
  const membersByEmail = new Map(input.members.map((m) => [m.email.toLowerCase(), m]));
  const workspaceDomains = new Set(input.members.map((m) => domainOf(m.email)));

  const groups = new Map<string, Map<string, CalendarEvent>>();
  for (const event of input.events) {
    if (event.start >= rangeEnd || event.end <= rangeStart || !isCandidate(event)) continue;
    const key = event.seriesKey ?? event.externalId;
    let instances = groups.get(key);
    if (!instances) groups.set(key, (instances = new Map()));
    const instanceKey = event.originalStart !== null ? `${event.seriesKey}::${event.originalStart}` : event.externalId;
    const seen = instances.get(instanceKey);
    // Prefer the organizer's copy (it has everyone's responses), else the first seen.
    if (!seen || (event.organizer && peopleOf(event).length > peopleOf(seen).length)) instances.set(instanceKey, event);
  }

  const out: SeriesFacts[] = [];
  for (const [key, instanceMap] of groups) {
    const instances = [...instanceMap.values()].sort((a, b) => a.start - b.start);
    const latest = instances[instances.length - 1]!;
    const recurring = latest.seriesKey !== null;
    const people = peopleOf(latest);
    const durationMinutes = Math.round(mode(instances.map((e) => e.end - e.start)) / MINUTE_MS);
    if (!recurring && durationMinutes < ONE_OFF_MIN_MINUTES && people.length < ONE_OFF_MIN_ATTENDEES) continue;

    const attendees = humans(latest);
    const optionalCount = attendees.filter((a) => a.optional).length;
    const externalCount = people.filter((p) => !workspaceDomains.has(domainOf(p))).length;

    const memberAttendees = people.map((p) => membersByEmail.get(p)).filter((m): m is Member => m !== undefined);
    const offsets = memberAttendees.map((m) => DateTime.fromMillis(latest.start, { zone: m.timeZone }).offset / 60);
    const zoneSpreadHours = offsets.length >= 2 ? Math.max(...offsets) - Math.min(...offsets) : 0;
    const required = new Set(
      attendees.filter((a) => !a.optional && a.response !== 'declined').map((a) => a.email).concat(latest.organizer ? [latest.organizer] : []),
    );
    const outsideHoursAttendees = memberAttendees
      .filter((m) => required.has(m.email) && outsideHours(latest, m))
      .map((m) => m.email)
      .sort();

    let responses = 0;
    let declines = 0;
    let pending = 0;
    let answered = 0;
    for (const e of instances) {
      for (const a of humans(e)) {
        if (a.email === e.organizer) continue;
        responses++;
        if (a.response === 'declined') declines++;
        if (a.response === 'needsAction') pending++;
        else answered++;
      }
    }

    out.push({
      seriesKey: key,
      title: latest.title,
      organizer: latest.organizer,
      recurring,
      occurrences: instances.length,
      attendeeCount: people.length,
      optionalCount,
      durationMinutes,
      description: latest.description,
      externalCount,
      zoneSpreadHours,
      outsideHoursAttendees,
      declineRate: responses > 0 ? declines / responses : 0,
      noResponseRate: answered > 0 && responses > 0 ? pending / responses : null,
      occurrencesPerYear: recurring ? (instances.length * 365) / rangeDays : 1,
    });
  }
  return out.sort((a, b) => (a.seriesKey < b.seriesKey ? -1 : a.seriesKey > b.seriesKey ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Scoring.

const pct = (x: number) => Math.round(x * 100);

function signalsOf(f: SeriesFacts): Array<Omit<FlagReason, 'points'> & { code: FlagSignalCode }> {
  const out: Array<Omit<FlagReason, 'points'> & { code: FlagSignalCode }> = [];
  const statusMatch = STATUS_LEXICON.exec(f.title);
  if (statusMatch) {
    const word = statusMatch[0].replace(/^[^\p{L}\p{N}]/u, '');
    out.push({ code: 'title.status_wording', detail: `The title ("${word}") reads like a status update.`, params: { word } });
  }
  if (f.recurring && f.attendeeCount >= 3) {
    out.push({ code: 'recurring.three_plus', detail: `A recurring meeting with ${f.attendeeCount} people.`, params: { attendees: f.attendeeCount } });
  }
  if (!f.description.present) {
    out.push({ code: 'description.no_agenda', detail: 'The invitation has no description.', params: { missing: 'description' } });
  } else if (!f.description.hasAgenda && !f.description.hasDocLink) {
    out.push({ code: 'description.no_agenda', detail: 'The invitation has no agenda and links no document.', params: { missing: 'agenda' } });
  }
  if (f.attendeeCount >= 15) {
    out.push({ code: 'audience.very_large', detail: `${f.attendeeCount} people are invited (15 or more).`, params: { attendees: f.attendeeCount } });
  } else if (f.attendeeCount >= 8) {
    out.push({ code: 'audience.large', detail: `${f.attendeeCount} people are invited (8 or more).`, params: { attendees: f.attendeeCount } });
  }
  const optionalShare = f.attendeeCount > 0 ? f.optionalCount / f.attendeeCount : 0;
  if (f.optionalCount > 0 && optionalShare >= 0.3) {
    out.push({
      code: 'audience.many_optional',
      detail: `${f.optionalCount} of ${f.attendeeCount} people are optional (${pct(optionalShare)} %).`,
      params: { optional: f.optionalCount, attendees: f.attendeeCount, percent: pct(optionalShare) },
    });
  }
  const broadcastWording = BROADCAST_LEXICON.test(f.title);
  if (broadcastWording || (f.attendeeCount >= 10 && f.durationMinutes >= 45)) {
    out.push({
      code: 'shape.broadcast',
      detail: broadcastWording
        ? 'The title names a broadcast format (all-hands, town hall, webinar).'
        : `One organizer and ${f.attendeeCount} people for ${f.durationMinutes} minutes: the shape of a broadcast.`,
      params: { attendees: f.attendeeCount, minutes: f.durationMinutes, wording: broadcastWording ? 1 : 0 },
    });
  }
  if (f.outsideHoursAttendees.length > 0) {
    const n = f.outsideHoursAttendees.length;
    out.push({
      code: 'zones.outside_hours',
      detail: `It falls outside the working hours of ${n} required attendee${n === 1 ? '' : 's'}.`,
      params: { count: n },
    });
  } else if (f.zoneSpreadHours >= 8) {
    out.push({
      code: 'zones.wide_spread',
      detail: `Attendees are spread over ${f.zoneSpreadHours} hours of time zones.`,
      params: { hours: f.zoneSpreadHours },
    });
  }
  if (f.recurring && f.durationMinutes <= 15) {
    out.push({ code: 'duration.very_short', detail: `A recurring ${f.durationMinutes}-minute meeting.`, params: { minutes: f.durationMinutes } });
  } else if (f.recurring && f.durationMinutes >= 60) {
    out.push({ code: 'duration.long_recurring', detail: `A recurring meeting of ${f.durationMinutes} minutes.`, params: { minutes: f.durationMinutes } });
  }
  if (f.declineRate >= 0.2 || (f.noResponseRate !== null && f.noResponseRate >= 0.4)) {
    const declines = f.declineRate >= 0.2;
    out.push({
      code: 'history.low_engagement',
      detail: declines
        ? `${pct(f.declineRate)} % of invitations are declined.`
        : `${pct(f.noResponseRate ?? 0)} % of invitations get no answer.`,
      params: declines ? { declinedPercent: pct(f.declineRate) } : { noResponsePercent: pct(f.noResponseRate ?? 0) },
    });
  }
  return out;
}

function dampenersOf(f: SeriesFacts): Array<Omit<FlagReason, 'points'> & { code: FlagDampenerCode }> {
  const out: Array<Omit<FlagReason, 'points'> & { code: FlagDampenerCode }> = [];
  if (f.attendeeCount === 2 || ONE_ON_ONE_LEXICON.test(f.title)) {
    out.push({ code: 'dampener.one_on_one', detail: 'A 1:1 conversation.', params: {} });
  }
  const collaborative = COLLABORATIVE_LEXICON.exec(f.title);
  if (collaborative) {
    const word = collaborative[0].replace(/^[^\p{L}\p{N}]/u, '');
    out.push({ code: 'dampener.collaborative', detail: `The title ("${word}") suggests real collaboration.`, params: { word } });
  }
  if (DECISION_LEXICON.test(f.title) && !f.description.hasDocLink) {
    out.push({ code: 'dampener.decision', detail: 'A decision meeting without a linked proposal: the decision may need the room.', params: {} });
  }
  if (f.externalCount > 0) {
    out.push({
      code: 'dampener.external',
      detail: `${f.externalCount} attendee${f.externalCount === 1 ? ' is' : 's are'} from outside the workspace.`,
      params: { count: f.externalCount },
    });
  }
  if (INCIDENT_LEXICON.test(f.title)) {
    out.push({ code: 'dampener.incident', detail: 'Incident or urgent wording: real-time coordination.', params: {} });
  }
  return out;
}

/** The verdict for a score: `keep` < 45 ≤ `consider-async` < 70 ≤ `async`. */
export function verdictFor(score: number): Verdict {
  if (score >= VERDICT_THRESHOLDS.async) return 'async';
  if (score >= VERDICT_THRESHOLDS.considerAsync) return 'consider-async';
  return 'keep';
}

/**
 * The async format that would replace the meeting: a decision document with a reply-by date
 * for decision meetings, a recorded demo/broadcast for large or broadcast-shaped ones, a
 * written status update for status wording, shared notes/FAQ otherwise; null for `keep`.
 */
export function suggestFormat(f: SeriesFacts, verdict: Verdict, codes: ReadonlySet<string>): SuggestedFormat | null {
  if (verdict === 'keep') return null;
  if (DECISION_LEXICON.test(f.title)) return 'decision-doc';
  if (codes.has('shape.broadcast') || codes.has('audience.very_large') || /\b(demos?|readouts?|show (?:and|&) tell)\b/i.test(f.title)) {
    return 'recorded-broadcast';
  }
  if (codes.has('title.status_wording')) return 'written-update';
  return 'shared-notes';
}

/**
 * Cost of a series in person-hours (attendees × hours) per occurrence and per year, and in
 * money per year when the workspace sets an hourly rate (`rate × person-hours`; currency is
 * the workspace's). Rounded to 2 decimals.
 */
export function seriesCost(f: Pick<SeriesFacts, 'attendeeCount' | 'durationMinutes' | 'occurrencesPerYear'>, hourlyRate: number): SeriesCost {
  const perOccurrence = (f.attendeeCount * f.durationMinutes) / 60;
  const perYear = perOccurrence * f.occurrencesPerYear;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    personHoursPerOccurrence: round(perOccurrence),
    personHoursPerYear: round(perYear),
    moneyPerYear: hourlyRate > 0 ? round(perYear * hourlyRate) : null,
  };
}

/**
 * Scores one series: the signals' points are summed (capped at 100), then each dampener
 * multiplies the running score. Every step is a reason whose points are the rounded change it
 * made, so the reasons add up to the score exactly.
 */
export function scoreSeries(f: SeriesFacts, hourlyRate = 0): SeriesFlag {
  const reasons: FlagReason[] = signalsOf(f).map((s) => ({ ...s, points: FLAG_WEIGHTS[s.code] }));
  let score = reasons.reduce((sum, r) => sum + r.points, 0);
  if (score > 100) {
    reasons.push({ code: 'score.capped', points: 100 - score, detail: 'Scores are capped at 100.', params: {} });
    score = 100;
  }
  let exact = score;
  for (const d of dampenersOf(f)) {
    const factor = FLAG_DAMPENERS[d.code];
    const next = exact * factor;
    const points = Math.round(next) - Math.round(exact);
    reasons.push({ ...d, points, detail: `${d.detail} (×${factor})`, params: { ...d.params, factor } });
    exact = next;
  }
  score = Math.round(exact);
  const verdict = verdictFor(score);
  return {
    seriesKey: f.seriesKey,
    title: f.title,
    organizer: f.organizer,
    recurring: f.recurring,
    occurrences: f.occurrences,
    attendeeCount: f.attendeeCount,
    durationMinutes: f.durationMinutes,
    score,
    verdict,
    reasons,
    suggestedFormat: suggestFormat(f, verdict, new Set(reasons.map((r) => r.code))),
    cost: seriesCost(f, hourlyRate),
  };
}

/**
 * Flags a team's meetings: groups the events into series (`collectSeries`) and scores each
 * (`scoreSeries`). Sorted by score (highest first), then person-hours per year, then key.
 */
export function flagMeetings(input: CollectSeriesInput & { hourlyRate?: number }): SeriesFlag[] {
  return collectSeries(input)
    .map((f) => scoreSeries(f, input.hourlyRate ?? 0))
    .sort(
      (a, b) =>
        b.score - a.score ||
        b.cost.personHoursPerYear - a.cost.personHoursPerYear ||
        (a.seriesKey < b.seriesKey ? -1 : a.seriesKey > b.seriesKey ? 1 : 0),
    );
}

/** A flag in the `unmeet flags` JSON contract: reasons as `{ code, points, detail }`. */
export function toFlagJson(flag: SeriesFlag) {
  return { ...flag, reasons: flag.reasons.map(({ code, points, detail }) => ({ code, points, detail })) };
}
