/**
 * Half-open interval algebra on `Interval { start, end }` in UTC epoch milliseconds.
 *
 * A list is *normalised* when its intervals are non-empty, sorted by start and pairwise
 * disjoint and non-touching (`[0,5)` and `[5,9)` are merged into `[0,9)`). Every function
 * accepts any list, checks normalisation in one linear pass and only sorts when the check
 * fails, so chains of operations on normalised lists stay linear. Inputs are never mutated;
 * results may share interval objects with the inputs, so treat intervals as immutable.
 */
import type { Interval } from './types';

/**
 * Whether `list` is already normalised (non-empty intervals, sorted, disjoint, not touching).
 * Linear; used to skip sorting on the common path.
 */
export function isNormalized(list: readonly Interval[]): boolean {
  let previousEnd = -Infinity;
  for (const interval of list) {
    if (!(interval.end > interval.start) || interval.start <= previousEnd) return false;
    previousEnd = interval.end;
  }
  return true;
}

/**
 * The union of an arbitrary list as a normalised list: drops empty (or NaN) intervals, sorts
 * by start and merges overlapping or touching ones. O(n log n) at worst; O(n) when the list
 * is already sorted by start (merging only), and an already normalised list is returned as is.
 */
export function normalize(list: readonly Interval[]): Interval[] {
  let sortedByStart = true;
  let normalized = true;
  let previousStart = -Infinity;
  let previousEnd = -Infinity;
  for (const interval of list) {
    if (!(interval.end > interval.start)) normalized = false;
    else if (interval.start <= previousEnd) normalized = false;
    if (interval.start < previousStart) {
      sortedByStart = false;
      break;
    }
    previousStart = interval.start;
    if (interval.end > previousEnd) previousEnd = interval.end;
  }
  if (sortedByStart && normalized) return list as Interval[];
  const sorted = sortedByStart ? list : [...list].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  let current: Interval | undefined;
  for (const interval of sorted) {
    if (!(interval.end > interval.start)) continue;
    if (current !== undefined && interval.start <= current.end) {
      if (interval.end > current.end) current.end = interval.end;
    } else {
      current = { start: interval.start, end: interval.end };
      out.push(current);
    }
  }
  return out;
}

/**
 * The union of two lists as a normalised list, by a linear merge of the (normalised) inputs.
 */
export function union(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const x = normalize(a);
  const y = normalize(b);
  if (x.length === 0) return y;
  if (y.length === 0) return x;
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  let current: Interval | undefined;
  while (i < x.length || j < y.length) {
    const xi = x[i];
    const yj = y[j];
    let next: Interval;
    if (yj === undefined || (xi !== undefined && xi.start <= yj.start)) {
      next = xi as Interval;
      i++;
    } else {
      next = yj;
      j++;
    }
    if (current !== undefined && next.start <= current.end) {
      if (next.end > current.end) current.end = next.end;
    } else {
      current = { start: next.start, end: next.end };
      out.push(current);
    }
  }
  return out;
}

/**
 * Total covered time of a list in milliseconds (overlaps counted once).
 */
export function totalLength(list: readonly Interval[]): number {
  let total = 0;
  for (const interval of normalize(list)) total += interval.end - interval.start;
  return total;
}

/**
 * The intersection of two lists (time covered by both) as a normalised list; a linear
 * two-pointer sweep over the normalised inputs.
 */
export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const x = normalize(a);
  const y = normalize(b);
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const xi = x[i] as Interval;
    const yj = y[j] as Interval;
    const start = xi.start > yj.start ? xi.start : yj.start;
    const end = xi.end < yj.end ? xi.end : yj.end;
    if (end > start) out.push({ start, end });
    if (xi.end < yj.end) i++;
    else j++;
  }
  return out;
}

/**
 * `a` minus `b`: the time covered by `a` and not by `b`, as a normalised list; a linear sweep
 * over the normalised inputs.
 */
export function subtract(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const x = normalize(a);
  const y = normalize(b);
  if (y.length === 0) return x;
  const out: Interval[] = [];
  let j = 0;
  for (const interval of x) {
    let cursor = interval.start;
    // Skip subtrahend intervals that end before this one can be affected.
    while (j < y.length && (y[j] as Interval).end <= cursor) j++;
    let k = j;
    while (k < y.length && (y[k] as Interval).start < interval.end) {
      const cut = y[k] as Interval;
      if (cut.start > cursor) out.push({ start: cursor, end: cut.start });
      if (cut.end > cursor) cursor = cut.end;
      if (cursor >= interval.end) break;
      k++;
    }
    if (cursor < interval.end) out.push({ start: cursor, end: interval.end });
    // The last cut may also overlap the next interval of `x`, so resume from it.
    j = k < y.length ? k : y.length;
  }
  return out;
}

/**
 * The part of a list inside `window` (for example an audit range), as a normalised list.
 */
export function clip(list: readonly Interval[], window: Interval): Interval[] {
  return intersect(list, [window]);
}

/**
 * The free gaps of a list inside `window`: the sub-intervals of the window covered by no
 * interval of the list, in order. Used to find focus time between busy events.
 */
export function gaps(list: readonly Interval[], window: Interval): Interval[] {
  return subtract([window], list);
}
