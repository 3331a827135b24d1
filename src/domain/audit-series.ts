/**
 * The audit's recurring-series accumulation (`audit-measure.ts` streams each member's meetings
 * through it): every series' person-time, its distinct occurrences and its earliest title.
 */
import type { CalendarEvent } from './types';

/**
 * A recurring series' person-time, merged member by member: each member's meetings arrive
 * sorted by start, so the union of that member's instances is kept as one open interval.
 */
export interface SeriesAccumulator {
  seriesKey: string;
  /** Title of the earliest instance seen. */
  title: string;
  titleStart: number;
  personMs: number;
  /** Original start (else start) of every instance seen; distinct values are counted at the end. */
  occurrences: number[];
  member: number;
  openStart: number;
  openEnd: number;
}

function addToSeries(accumulator: SeriesAccumulator, member: number, start: number, end: number): void {
  if (accumulator.member === member && start <= accumulator.openEnd) {
    if (end > accumulator.openEnd) accumulator.openEnd = end;
    return;
  }
  accumulator.personMs += accumulator.openEnd - accumulator.openStart;
  accumulator.member = member;
  accumulator.openStart = start;
  accumulator.openEnd = end;
}

function countDistinct(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort();
  let count = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) count++;
  return count;
}

/** Adds one recurring meeting (clipped to `start`–`end`) to its series, creating the series on first sight. */
export function addMeetingToSeries(
  series: Map<string, SeriesAccumulator>,
  meeting: CalendarEvent,
  seriesKey: string,
  memberIndex: number,
  start: number,
  end: number,
): void {
  let accumulator = series.get(seriesKey);
  if (accumulator === undefined) {
    accumulator = {
      seriesKey,
      title: meeting.title,
      titleStart: meeting.start,
      personMs: 0,
      occurrences: [],
      member: memberIndex,
      openStart: start,
      openEnd: start,
    };
    series.set(seriesKey, accumulator);
  }
  addToSeries(accumulator, memberIndex, start, end);
  accumulator.occurrences.push(meeting.originalStart ?? meeting.start);
  if (meeting.start < accumulator.titleStart) {
    accumulator.title = meeting.title;
    accumulator.titleStart = meeting.start;
  }
}

/** A series' person-time (the open interval closed) and its distinct occurrences. */
export function seriesTotals(accumulator: SeriesAccumulator): { personMs: number; occurrences: number } {
  return {
    personMs: accumulator.personMs + (accumulator.openEnd - accumulator.openStart),
    occurrences: countDistinct(accumulator.occurrences),
  };
}
