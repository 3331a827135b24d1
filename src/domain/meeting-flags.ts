/**
 * Meetings that could be a written update: an explainable 0–100 score per recurring series
 * (and per long or large one-off meeting). Every point comes from a named signal in
 * `FLAG_WEIGHTS` or a named dampener in `FLAG_DAMPENERS`, so each score is a list of reasons
 * `{ code, points, detail }` that sums to it. The rubric is a synthesis of published guidance
 * (GitLab, Basecamp, Shopify, Atlassian, Microsoft Research; see docs/features.md), not a trained model:
 * calendar telemetry alone predicts meeting value poorly, so transparency beats cleverness.
 *
 * Purpose first (issue 21): a series is flagged only with evidence of one-way purpose — status,
 * readout or broadcast wording in the title (any language in ./lexicons), a description that
 * states a readout, or similar series that organizers converted. Size, length, recurrence and a
 * missing agenda scale the score but never flag on their own (`purpose.none` holds such a score
 * below the first threshold). Words that keep a meeting live (decisions, live work, questions,
 * social, 1:1, incidents) and the same facts read from the description are dampeners.
 *
 * Pure: events, members and the range come in as arguments; nothing here reads a clock.
 */
import { collectSeries, type CollectSeriesInput } from './flag-series';
import { purposesOf, type PurposeClass, type PurposeHit } from './lexicons';
import type { DescriptionFacts } from './types';

import {
  FLAG_DAMPENERS,
  FLAG_WEIGHTS,
  VERDICT_THRESHOLDS,
  type FlagDampenerCode,
  type FlagReason,
  type FlagSignalCode,
  type ScoringContext,
  type SeriesCost,
  type SeriesFacts,
  type SeriesFlag,
  type SimilarDecisions,
  type SuggestedFormat,
  type Verdict,
  type VerdictThresholds,
} from './flag-rubric';

export { collectSeries, ONE_OFF_MIN_ATTENDEES, ONE_OFF_MIN_MINUTES, type CollectSeriesInput } from './flag-series';
// The rubric's tables and types live in ./flag-rubric; callers keep importing them from here.
export * from './flag-rubric';

// ---------------------------------------------------------------------------------------------
// Scoring.

const pct = (x: number) => Math.round(x * 100);

type Draft<C> = Omit<FlagReason, 'points'> & { code: C };

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** Evidence of one-way purpose: the reasons that let a series be flagged at all. */
const PURPOSE_EVIDENCE: ReadonlySet<FlagSignalCode> = new Set(['title.status_wording', 'title.broadcast_wording', 'description.readout', 'history.similar_converted']);

function purposeSignals(f: SeriesFacts, purposes: ReadonlyMap<PurposeClass, PurposeHit>, similar: SimilarDecisions | undefined): Array<Draft<FlagSignalCode>> {
  const out: Array<Draft<FlagSignalCode>> = [];
  const status = purposes.get('status') ?? purposes.get('readout');
  if (status) {
    const kind = status.class === 'readout' ? 'a readout' : 'a status update';
    out.push({ code: 'title.status_wording', detail: `The title ("${status.matched}") reads like ${kind}.`, params: { word: status.matched, language: status.language } });
  }
  const broadcast = purposes.get('broadcast');
  if (broadcast) {
    out.push({ code: 'title.broadcast_wording', detail: `The title ("${broadcast.matched}") names a broadcast or presentation.`, params: { word: broadcast.matched, language: broadcast.language } });
  }
  if (f.description.mentionsReadout) {
    out.push({ code: 'description.readout', detail: 'The invitation describes a readout, FYI or presentation.', params: {} });
  }
  if (similar && similar.converted > 0) {
    const n = similar.converted;
    out.push({ code: 'history.similar_converted', detail: `${n} similar ${plural(n, 'meeting was', 'meetings were')} converted by ${plural(n, 'its organizer', 'their organizers')}.`, params: { count: n } });
  }
  return out;
}

function shapeSignals(f: SeriesFacts): Array<Draft<FlagSignalCode>> {
  const out: Array<Draft<FlagSignalCode>> = [];
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
  if (f.attendeeCount >= 10 && f.durationMinutes >= 45) {
    out.push({
      code: 'shape.broadcast',
      detail: `${f.attendeeCount} people for ${f.durationMinutes} minutes: the shape of a broadcast.`,
      params: { attendees: f.attendeeCount, minutes: f.durationMinutes },
    });
  }
  return out.concat(timeSignals(f));
}

function timeSignals(f: SeriesFacts): Array<Draft<FlagSignalCode>> {
  const out: Array<Draft<FlagSignalCode>> = [];
  if (f.outsideHoursAttendees.length > 0) {
    const n = f.outsideHoursAttendees.length;
    out.push({ code: 'zones.outside_hours', detail: `It falls outside the working hours of ${n} required ${plural(n, 'attendee', 'attendees')}.`, params: { count: n } });
  } else if (f.zoneSpreadHours >= 8) {
    out.push({ code: 'zones.wide_spread', detail: `Attendees are spread over ${f.zoneSpreadHours} hours of time zones.`, params: { hours: f.zoneSpreadHours } });
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
      detail: declines ? `${pct(f.declineRate)} % of invitations are declined.` : `${pct(f.noResponseRate ?? 0)} % of invitations get no answer.`,
      params: declines ? { declinedPercent: pct(f.declineRate) } : { noResponsePercent: pct(f.noResponseRate ?? 0) },
    });
  }
  return out;
}

/** Title classes that keep a meeting live, with the dampener each feeds and its sentence. */
const TITLE_DAMPENERS: ReadonlyArray<[PurposeClass, FlagDampenerCode, (word: string) => string]> = [
  ['live', 'dampener.collaborative', (w) => `The title ("${w}") suggests real collaboration.`],
  ['questions', 'dampener.questions', (w) => `The title ("${w}") invites live questions.`],
  ['social', 'dampener.social', (w) => `The title ("${w}") names a social gathering.`],
  ['decision', 'dampener.decision', (w) => `The title ("${w}") names a decision: it may need the room, even with a pre-read.`],
];

/** Description facts that keep a meeting live, each counted only when the title does not already say the same. */
const DESCRIPTION_DAMPENERS: ReadonlyArray<[keyof DescriptionFacts, PurposeClass, FlagDampenerCode, string]> = [
  ['mentionsDecision', 'decision', 'description.decision', 'The invitation mentions a decision or approval.'],
  ['mentionsLiveWork', 'live', 'description.live_work', 'The invitation describes live work (a working session, pairing, a workshop).'],
  ['invitesQuestions', 'questions', 'description.questions', 'The invitation invites questions.'],
];

function dampenersOf(f: SeriesFacts, purposes: ReadonlyMap<PurposeClass, PurposeHit>, similar: SimilarDecisions | undefined): Array<Draft<FlagDampenerCode>> {
  const out: Array<Draft<FlagDampenerCode>> = [];
  if (f.attendeeCount === 2 || purposes.has('one_on_one')) {
    out.push({ code: 'dampener.one_on_one', detail: 'A 1:1 conversation.', params: {} });
  }
  for (const [cls, code, sentence] of TITLE_DAMPENERS) {
    const hit = purposes.get(cls);
    if (hit) out.push({ code, detail: sentence(hit.matched), params: { word: hit.matched, language: hit.language } });
  }
  for (const [fact, cls, code, detail] of DESCRIPTION_DAMPENERS) {
    if (f.description[fact] === true && !purposes.has(cls)) out.push({ code, detail, params: {} });
  }
  if (f.externalCount > 0) {
    out.push({
      code: 'dampener.external',
      detail: `${f.externalCount} ${plural(f.externalCount, 'attendee is', 'attendees are')} from outside the workspace.`,
      params: { count: f.externalCount },
    });
  }
  const incident = purposes.get('incident');
  if (incident) {
    out.push({ code: 'dampener.incident', detail: `Incident coordination wording ("${incident.matched}"): real-time coordination.`, params: { word: incident.matched } });
  }
  if (similar && similar.kept > 0) {
    const n = similar.kept;
    out.push({ code: 'history.similar_kept', detail: `${n} similar ${plural(n, 'meeting was', 'meetings were')} kept by ${plural(n, 'its organizer', 'their organizers')}.`, params: { count: n } });
  }
  return out;
}

/** The verdict for a score: `keep` < 45 ≤ `consider-async` < 70 ≤ `async` (or a workspace's calibrated thresholds). */
export function verdictFor(score: number, thresholds: VerdictThresholds = VERDICT_THRESHOLDS): Verdict {
  if (score >= thresholds.async) return 'async';
  if (score >= thresholds.considerAsync) return 'consider-async';
  return 'keep';
}

/**
 * The async format that would replace the meeting: a decision document with a reply-by date
 * for decision meetings, a recorded demo/broadcast for broadcast wording, readouts and large or
 * broadcast-shaped ones, a written status update for status wording, shared notes/FAQ
 * otherwise; null for `keep`.
 */
export function suggestFormat(f: SeriesFacts, verdict: Verdict, codes: ReadonlySet<string>): SuggestedFormat | null {
  if (verdict === 'keep') return null;
  const purposes = purposesOf(f.title);
  if (purposes.has('decision')) return 'decision-doc';
  if (purposes.has('broadcast') || purposes.has('readout') || codes.has('shape.broadcast') || codes.has('audience.very_large')) {
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
 * multiplies the running score. Without evidence of one-way purpose the result is held below
 * the first threshold (`purpose.none`). Every step is a reason whose points are the rounded
 * change it made, so the reasons add up to the score exactly.
 */
export function scoreSeries(f: SeriesFacts, hourlyRate = 0, context: ScoringContext = {}): SeriesFlag {
  const thresholds = context.thresholds ?? VERDICT_THRESHOLDS;
  const purposes = purposesOf(f.title);
  const signals = purposeSignals(f, purposes, context.similar).concat(shapeSignals(f));
  const reasons: FlagReason[] = signals.map((s) => ({ ...s, points: FLAG_WEIGHTS[s.code] }));
  let score = reasons.reduce((sum, r) => sum + r.points, 0);
  if (score > 100) {
    reasons.push({ code: 'score.capped', points: 100 - score, detail: 'Scores are capped at 100.', params: {} });
    score = 100;
  }
  let exact = score;
  for (const d of dampenersOf(f, purposes, context.similar)) {
    const factor = FLAG_DAMPENERS[d.code];
    const next = exact * factor;
    const points = Math.round(next) - Math.round(exact);
    reasons.push({ ...d, points, detail: `${d.detail} (×${factor})`, params: { ...d.params, factor } });
    exact = next;
  }
  score = Math.round(exact);
  const ceiling = thresholds.considerAsync - 1;
  if (score > ceiling && !signals.some((s) => PURPOSE_EVIDENCE.has(s.code))) {
    reasons.push({
      code: 'purpose.none',
      points: ceiling - score,
      detail: `Nothing says this meeting is one-way (no status, readout or broadcast wording, no readout in the invitation): size, length and recurrence alone never flag it, so the score stops at ${ceiling}.`,
      params: { ceiling },
    });
    score = ceiling;
  }
  const verdict = verdictFor(score, thresholds);
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
 * (`scoreSeries`, with `context(facts)` when given: a workspace's learning from decisions).
 * Sorted by score (highest first), then person-hours per year, then key.
 */
export function flagMeetings(input: CollectSeriesInput & { hourlyRate?: number; context?: (f: SeriesFacts) => ScoringContext }): SeriesFlag[] {
  return sortFlags(collectSeries(input).map((f) => scoreSeries(f, input.hourlyRate ?? 0, input.context?.(f))));
}

/** Highest score first, then person-hours per year, then series key. */
export function sortFlags(flags: SeriesFlag[]): SeriesFlag[] {
  return flags.sort(
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
