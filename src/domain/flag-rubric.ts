/**
 * The flag rubric's tables and shapes: the points per signal (`FLAG_WEIGHTS`), the dampener
 * factors (`FLAG_DAMPENERS`), the verdict thresholds, and the types of a series' facts, its
 * reasons and its flag. Kept apart from the scoring in meeting-flags.ts (which re-exports all of
 * it) so that file stays under the 400-line guideline and the tables read on their own.
 *
 * Pure data and types: nothing here computes.
 */
import type { DescriptionFacts } from './types';

/** Points per signal. The one table of weights (documented in docs/features.md). */
export const FLAG_WEIGHTS = {
  /** Title wording of a status meeting or a readout: status/update/sync/stand-up/report/FYI/readout/results (all languages). */
  'title.status_wording': 25,
  /** Title wording of a broadcast: all-hands/town hall/webinar/presentation/walkthrough/showcase/demo/sosialisasi. */
  'title.broadcast_wording': 25,
  /** The description says the meeting is a readout, FYI or presentation (a fact kept at import). */
  'description.readout': 20,
  /** Similar series in the workspace (same title pattern, same organizer or people) were converted by their organizers. */
  'history.similar_converted': 15,
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
  /** Broadcast shape: 10+ attendees for 45+ minutes. Scales a score; never evidence of purpose on its own. */
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

/** Multipliers applied after the signals, in this order (documented in docs/features.md). */
export const FLAG_DAMPENERS = {
  /** A 1:1 (two people, or 1:1 wording): conversations, not broadcasts. */
  'dampener.one_on_one': 0.5,
  /** Live-work wording: brainstorm, workshop, working session, retro, planning, council, roundtable, sprint review, health check. */
  'dampener.collaborative': 0.5,
  /** Q&A, AMA, office hours, drop-in: the questions are why people gather. */
  'dampener.questions': 0.4,
  /** Farewell, drinks, party, birthday, lunch: the gathering is the point. */
  'dampener.social': 0.4,
  /** Decision/approval wording, with or without a linked pre-read: a prepared decision is still a decision. */
  'dampener.decision': 0.5,
  /** The description mentions a decision or approval (when the title does not already say so). */
  'description.decision': 0.5,
  /** The description mentions live work: working session, pairing, whiteboard, workshop (when the title does not). */
  'description.live_work': 0.5,
  /** The description invites questions (when the title does not already). */
  'description.questions': 0.5,
  /** People from outside the workspace attend: their norms are not ours to change. */
  'dampener.external': 0.6,
  /** Incident coordination wording (urgent, outage, war room, Störung): real-time coordination is the point. "Incident" alone is a topic, not a purpose. */
  'dampener.incident': 0.3,
  /** Similar series in the workspace were kept by their organizers. */
  'history.similar_kept': 0.6,
} as const;

export type FlagSignalCode = keyof typeof FLAG_WEIGHTS;
export type FlagDampenerCode = keyof typeof FLAG_DAMPENERS;
export type FlagReasonCode = FlagSignalCode | FlagDampenerCode | 'score.capped' | 'purpose.none';

/** Verdict thresholds: `keep` below 45, `consider-async` 45–69, `async` from 70 (a workspace's decisions may move them; see flag-learning.ts). */
export const VERDICT_THRESHOLDS = { considerAsync: 45, async: 70 } as const;

export interface VerdictThresholds {
  considerAsync: number;
  async: number;
}

export type Verdict = 'keep' | 'consider-async' | 'async';
export type SuggestedFormat = 'written-update' | 'decision-doc' | 'recorded-broadcast' | 'shared-notes';

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
  /** The people (addresses, sorted), for telling similar series apart when learning from decisions; absent in hand-made facts. */
  people?: readonly string[];
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

/** What organizers decided about similar series of the same workspace (see flag-learning.ts). */
export interface SimilarDecisions {
  kept: number;
  converted: number;
}

/** Context a workspace adds to the facts: its calibrated thresholds and decisions on similar series. */
export interface ScoringContext {
  thresholds?: VerdictThresholds;
  similar?: SimilarDecisions;
}
