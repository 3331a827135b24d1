/**
 * Plain data shared by the pure domain, the providers' mappers and the services.
 * Instants are UTC epoch milliseconds; zones are IANA names; local dates are ISO `YYYY-MM-DD`.
 */

/** A half-open span of time `[start, end)` in UTC epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Local wall-clock time `HH:MM` (24 h; `24:00` allowed as an end). */
export type LocalTime = string;

/**
 * Working hours, normalised: for each weekday the local `[start, end)` ranges, sorted and
 * non-overlapping. A weekday that is missing or empty is a non-working day.
 */
export type WorkingHours = Partial<Record<Weekday, Array<[LocalTime, LocalTime]>>>;

export interface Member {
  email: string;
  name: string;
  timeZone: string;
  locale: string;
  workingHours: WorkingHours;
}

export type ResponseStatus = 'accepted' | 'declined' | 'tentative' | 'needsAction';

export interface Attendee {
  /** Lower-cased address without `mailto:`. */
  email: string;
  name?: string;
  response: ResponseStatus;
  optional: boolean;
  /** A room or other resource rather than a person. */
  resource?: boolean;
}

/**
 * Facts kept about an event's description instead of its text (the text itself is never stored).
 */
export interface DescriptionFacts {
  present: boolean;
  /** Length in characters of the plain text. */
  length: number;
  /** Looks like it holds an agenda (a heading "agenda", a numbered or bulleted list of topics). */
  hasAgenda: boolean;
  /** Links to a document (Google Docs, SharePoint/OneDrive, Notion, Confluence, ...). */
  hasDocLink: boolean;
  /*
   * What the text says the meeting is for, found with the purpose lexicons (src/domain/lexicons)
   * at import; the text itself is dropped. Absent means false (events stored before these facts).
   */
  /** Mentions a decision or an approval ("decide", "sign-off", "memutuskan", "Freigabe"). */
  mentionsDecision?: boolean;
  /** Mentions live work: a working session, pairing, whiteboard, workshop, discussion. */
  mentionsLiveWork?: boolean;
  /** Mentions a readout, FYI, results or a presentation: information flowing one way. */
  mentionsReadout?: boolean;
  /** Invites questions (Q&A, "bring your questions", office hours). */
  invitesQuestions?: boolean;
}

export type EventStatus = 'confirmed' | 'tentative' | 'cancelled';

/**
 * One concrete occurrence of a calendar event, as the domain sees it: recurring series are
 * expanded into instances by the provider before they reach the domain.
 */
export interface CalendarEvent {
  /** Stable id within its calendar: the UID for single events, `UID::<original start ms>` for instances. */
  externalId: string;
  /** Key shared by all instances of a recurring series (the iCalendar UID); null for single events. */
  seriesKey: string | null;
  /** Original start of a recurring instance (its RECURRENCE-ID), UTC ms; null for single events. */
  originalStart: number | null;
  title: string;
  start: number;
  end: number;
  allDay: boolean;
  status: EventStatus;
  transparency: 'opaque' | 'transparent';
  /** Organizer's lower-cased address, if known. */
  organizer: string | null;
  attendees: Attendee[];
  description: DescriptionFacts;
  hasConferencing: boolean;
  /** Created by unmeet itself (focus blocks, rotated series): never edited unless ours. */
  createdByUnmeet: boolean;
  /**
   * The provider marks it out of office (Google `eventType: outOfOffice`, Graph `showAs: oof`,
   * Outlook's `X-MICROSOFT-CDO-BUSYSTATUS:OOF`). Absent means no such mark; all-day blocks titled
   * "OOO", "Cuti" or "Vacation" are recognised from the title by the audit, not here.
   */
  away?: boolean;
}
