/**
 * The focus planner: from a member's busy time, working hours and focus policy, choose the
 * focus blocks to hold over a range of local dates. Pure and deterministic (same input, same
 * plan, whatever the order of the input lists); "now" and zones are arguments.
 *
 * Per ISO week (Monday to Sunday in the member's zone, clipped to the range) the planner aims at
 * the weekly target, prorated by the week's working days in the range; away time (out of office,
 * leave) is not working time, so a day partly away counts for the part left. Inside working hours it
 * looks at the free windows left after busy time (widened by the buffer) that are at least the
 * minimum block long, and
 *  1. counts blocks the member moved by hand (pinned) as focus time and never touches them;
 *  2. keeps existing blocks that still fit, shrinks those that now partly overlap busy time, and
 *     drops those that no longer fit — in chronological order while the target is not reached,
 *     so re-planning after a small change moves as few blocks as possible (stability);
 *  3. fills no-meeting days (a team setting) with focus time in every free window;
 *  4. adds blocks greedily until the target is reached: first on days without focus yet (spread),
 *     then in the preferred part of the day, then the longest window, then the earliest; each
 *     block as long as its window, the daily maximum and the remaining target allow.
 * It reports the target, the achievable upper bound (free windows ≥ the minimum block inside
 * working hours after buffers, capped per day and at the target) and the planned hours, and
 * says why a target was missed.
 */
import { DateTime } from 'luxon';
import { isAwayBlock } from './away';
import { normalize, subtract } from './intervals';
import { WEEKDAYS, type CalendarEvent, type Interval, type Weekday } from './types';
import { localDays, workingIntervalsForDays, type LocalDay } from './working-hours';

export * from './focus-plan-types';
import type { BlockSource, ExistingBlock, FocusPlan, FocusPlanInput, FocusPolicy, MissedCode, PlannedBlock, PreferredTime } from './focus-plan-types';


const MINUTE = 60_000;
const GRID = 5 * MINUTE;
const DAY_MS = 86_400_000;
const round2 = (ms: number) => Math.round((ms / 3_600_000) * 100) / 100;
const lengthOf = (list: readonly Interval[]) => list.reduce((sum, i) => sum + i.end - i.start, 0);

/** Monday-based week number of a local date `YYYY-MM-DD` (1970-01-05 was a Monday). */
const weekOf = (date: string) => Math.floor((Date.parse(`${date}T00:00:00Z`) / DAY_MS + 3) / 7);

interface DayState {
  day: LocalDay;
  week: number;
  noMeeting: boolean;
  blocked: boolean;
  /** The share of the day's working time the member is not away, 0..1 (prorates the target). */
  present: number;
  /** Local noon, UTC ms (the boundary between morning and afternoon). */
  noon: number;
  /** Free windows (after buffers, before `notBefore` removed, pinned blocks removed), on the 5-minute grid, ≥ min block. */
  windows: Interval[];
  /** Blocks chosen so far on this day. */
  chosen: Interval[];
  /** `windows` minus `chosen` (cached until the next block is placed). */
  open: Interval[] | null;
  total: number;
}

/** Windows on the 5-minute grid, keeping those at least `min` long. */
function gridWindows(list: readonly Interval[], min: number): Interval[] {
  const out: Interval[] = [];
  for (const w of list) {
    const start = Math.ceil(w.start / GRID) * GRID;
    const end = Math.floor(w.end / GRID) * GRID;
    if (end - start >= min) out.push({ start, end });
  }
  return out;
}

function localNoon(day: LocalDay, timeZone: string): number {
  if (day.end - day.start === DAY_MS) return day.start + 12 * 3_600_000;
  return DateTime.fromISO(`${day.date}T12:00`, { zone: timeZone }).toMillis();
}

/** How much of `block` lies in the preferred part of its day, 0..1. */
function preferredShare(block: Interval, day: DayState, preferred: PreferredTime): number {
  if (preferred === 'any') return 1;
  const part = preferred === 'morning' ? { start: day.day.start, end: day.noon } : { start: day.noon, end: day.day.end };
  const overlap = Math.max(0, Math.min(block.end, part.end) - Math.max(block.start, part.start));
  return Math.round((overlap / (block.end - block.start)) * 100) / 100;
}

/** What the steps of one plan share: the policy in ms, the days, and the blocks chosen so far. */
interface PlanContext {
  policy: FocusPolicy;
  minBlock: number;
  cap: number;
  states: DayState[];
  blocks: PlannedBlock[];
  dropped: string[];
}

/** Focus time still to place in the week being planned. */
interface WeekRun {
  remaining: number;
}

/** Sums over the weeks: the target and the upper bounds the missed reason compares. */
interface PlanTotals {
  targetMs: number;
  achievableMs: number;
  boundNoCapMs: number;
  boundWithBlockedMs: number;
}

/**
 * Plans focus blocks for one member (see the module comment for the rules). Hours in the result
 * are decimal hours rounded to 2 decimals.
 */
export function planFocus(input: FocusPlanInput): FocusPlan {
  const { policy, timeZone } = input;
  const minBlock = policy.minBlockMinutes * MINUTE;
  const cap = policy.maxPerDayMinutes * MINUTE;
  const buffer = policy.bufferMinutes * MINUTE;
  const blocked = new Set(input.blockedDates ?? []);
  const days = localDays(timeZone, input.range.from, input.range.to);
  const workingPerWeek = WEEKDAYS.filter((d) => (input.workingHours[d]?.length ?? 0) > 0).length;

  const busy = normalize(input.busy.map((b) => ({ start: b.start - buffer, end: b.end + buffer })));
  const existing = [...(input.existing ?? [])].sort((a, b) => a.start - b.start || a.end - b.end || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const pinned = normalize(existing.filter((e) => e.pinned).map((e) => ({ start: e.start, end: e.end })));

  const states = candidateDays(input, days, busy, pinned, blocked, minBlock);
  const ctx: PlanContext = { policy, minBlock, cap, states, blocks: [], dropped: [] };
  const totals: PlanTotals = { targetMs: 0, achievableMs: 0, boundNoCapMs: 0, boundWithBlockedMs: 0 };

  const pinnedByDay = placePinned(ctx, existing, days, timeZone);

  // Existing blocks outside the planned working days (a day off now, a date already past) go.
  const movable = existing.filter((e) => !e.pinned);
  for (const e of movable) if (!dayOf(states, e.start)) ctx.dropped.push(e.id);

  const weeks = [...new Set(states.map((s) => s.week))].sort((a, b) => a - b);
  for (const week of weeks) planWeek(ctx, totals, week, movable, pinnedByDay, workingPerWeek);

  const { blocks, dropped } = ctx;
  blocks.sort((a, b) => a.start - b.start || a.end - b.end);
  dropped.sort();
  const plannedMs = lengthOf(blocks);
  const noWorkingTime = states.length === 0 || workingPerWeek === 0;
  const { missedCode, missedReason } = explainMiss(policy, totals, plannedMs, noWorkingTime, blocked);
  return {
    blocks,
    dropped,
    targetHours: round2(totals.targetMs),
    achievableHours: round2(Math.max(totals.achievableMs, Math.min(plannedMs, totals.targetMs))),
    plannedHours: round2(plannedMs),
    missedCode,
    missedReason,
  };
}

/** Per working day: working time minus away time, buffered busy time and pinned blocks, from notBefore on. */
function candidateDays(
  input: FocusPlanInput,
  days: readonly LocalDay[],
  busy: readonly Interval[],
  pinned: readonly Interval[],
  blocked: ReadonlySet<string>,
  minBlock: number,
): DayState[] {
  const { timeZone } = input;
  const notBefore = input.notBefore ?? -Infinity;
  const away = normalize(input.away ?? []);
  const noMeeting = new Set<Weekday>(input.policy.noMeetingDays);
  const states: DayState[] = [];
  const allWorking = workingIntervalsForDays(input.workingHours, timeZone, days);
  let w0 = 0;
  for (const day of days) {
    while (w0 < allWorking.length && (allWorking[w0] as Interval).end <= day.start) w0++;
    const working: Interval[] = [];
    for (let k = w0; k < allWorking.length && (allWorking[k] as Interval).start < day.end; k++) {
      const w = allWorking[k] as Interval;
      working.push({ start: Math.max(w.start, day.start), end: Math.min(w.end, day.end) });
    }
    if (working.length === 0) continue;
    const from = Math.max(day.start, notBefore);
    if (from >= day.end) continue;
    const present = away.length === 0 ? working : subtract(working, away);
    if (present.length === 0) continue;
    const free = subtract(subtract(present, busy), [...pinned, ...(from > day.start ? [{ start: day.start, end: from }] : [])]);
    states.push({
      day,
      week: weekOf(day.date),
      noMeeting: noMeeting.has(day.weekday),
      blocked: blocked.has(day.date),
      present: present === working ? 1 : lengthOf(present) / lengthOf(working),
      noon: localNoon(day, timeZone),
      windows: gridWindows(free, minBlock),
      chosen: [],
      open: null,
      total: 0,
    });
  }
  return states;
}

const dayOf = (states: readonly DayState[], instant: number) => states.find((s) => instant >= s.day.start && instant < s.day.end);

/** 1. Pinned blocks overlapping the range join the plan as they are; returns their length per day. */
function placePinned(ctx: PlanContext, existing: readonly ExistingBlock[], days: readonly LocalDay[], timeZone: string): Map<DayState, number> {
  const pinnedByDay = new Map<DayState, number>();
  for (const p of existing.filter((e) => e.pinned)) {
    const state = dayOf(ctx.states, p.start);
    const date = state?.day.date ?? DateTime.fromMillis(p.start, { zone: timeZone }).toISODate()!;
    const overlapsRange = days.length > 0 && p.end > days[0]!.start && p.start < days[days.length - 1]!.end;
    if (!overlapsRange) continue;
    ctx.blocks.push({ start: p.start, end: p.end, date, source: 'pinned', existingId: p.id });
    if (state) pinnedByDay.set(state, (pinnedByDay.get(state) ?? 0) + p.end - p.start);
  }
  return pinnedByDay;
}

/** One ISO week: its prorated target and bounds, then steps 2–4 of the module comment. */
function planWeek(
  ctx: PlanContext,
  totals: PlanTotals,
  week: number,
  movable: readonly ExistingBlock[],
  pinnedByDay: ReadonlyMap<DayState, number>,
  workingPerWeek: number,
): void {
  const weekDays = ctx.states.filter((s) => s.week === week);
  const presentDays = weekDays.reduce((sum, s) => sum + s.present, 0);
  const target = workingPerWeek === 0 ? 0 : Math.round((ctx.policy.weeklyTargetHours * 3_600_000 * presentDays) / workingPerWeek / MINUTE) * MINUTE;
  totals.targetMs += target;
  const run: WeekRun = { remaining: target };
  for (const s of weekDays) {
    const p = pinnedByDay.get(s) ?? 0;
    s.total += p;
    run.remaining -= p;
  }

  const bounds = weekBounds(weekDays, pinnedByDay, ctx.cap);
  totals.achievableMs += Math.min(target, bounds.bound);
  totals.boundNoCapMs += Math.min(target, bounds.boundNoCap);
  totals.boundWithBlockedMs += Math.min(target, bounds.boundAll);

  keepExistingBlocks(ctx, run, week, movable);
  fillNoMeetingDays(ctx, run, weekDays);
  fillGreedily(ctx, run, weekDays);
}

/** Upper bounds: what the windows allow under the policy (and without the daily cap, and with deleted days). */
function weekBounds(weekDays: readonly DayState[], pinnedByDay: ReadonlyMap<DayState, number>, cap: number) {
  let bound = 0;
  let boundNoCap = 0;
  let boundAll = 0;
  for (const s of weekDays) {
    const free = lengthOf(s.windows);
    const pinnedHere = pinnedByDay.get(s) ?? 0;
    boundAll += s.noMeeting ? free + pinnedHere : Math.min(cap, free + pinnedHere);
    if (s.blocked) {
      bound += pinnedHere;
      boundNoCap += pinnedHere;
      continue;
    }
    bound += s.noMeeting ? free + pinnedHere : Math.min(cap, free + pinnedHere);
    boundNoCap += free + pinnedHere;
  }
  return { bound, boundNoCap, boundAll };
}

function placeBlock(ctx: PlanContext, run: WeekRun, s: DayState, block: Interval, source: BlockSource, existingId: string | null): void {
  s.chosen.push(block);
  s.chosen.sort((a, b) => a.start - b.start);
  s.open = null;
  s.total += block.end - block.start;
  run.remaining -= block.end - block.start;
  ctx.blocks.push({ start: block.start, end: block.end, date: s.day.date, source, existingId });
}

const openWindows = (s: DayState, minBlock: number) => (s.open ??= s.chosen.length === 0 ? s.windows : gridWindows(subtract(s.windows, s.chosen), minBlock));

/** 2. Existing blocks of the week, chronologically: keep, shrink, or drop. */
function keepExistingBlocks(ctx: PlanContext, run: WeekRun, week: number, movable: readonly ExistingBlock[]): void {
  const { minBlock, cap } = ctx;
  for (const e of movable) {
    const s = dayOf(ctx.states, e.start);
    if (!s || s.week !== week) continue;
    let best: Interval | null = null;
    if (!s.blocked && (s.noMeeting || run.remaining > 0)) {
      for (const w of openWindows(s, minBlock)) {
        const piece = { start: Math.max(w.start, e.start), end: Math.min(w.end, e.end) };
        if (piece.end - piece.start >= minBlock && (!best || piece.end - piece.start > best.end - best.start)) best = piece;
      }
    }
    if (best && !s.noMeeting && s.total + (best.end - best.start) > cap) best = null;
    if (best) placeBlock(ctx, run, s, best, best.start === e.start && best.end === e.end ? 'kept' : 'shrunk', e.id);
    else ctx.dropped.push(e.id);
  }
}

/** 3. No-meeting days: every free window is held. */
function fillNoMeetingDays(ctx: PlanContext, run: WeekRun, weekDays: readonly DayState[]): void {
  for (const s of weekDays) {
    if (!s.noMeeting || s.blocked) continue;
    for (const w of openWindows(s, ctx.minBlock)) placeBlock(ctx, run, s, w, 'new', null);
  }
}

/** 4. Greedy fill until the target is reached. */
function fillGreedily(ctx: PlanContext, run: WeekRun, weekDays: readonly DayState[]): void {
  const { minBlock, cap, policy } = ctx;
  while (run.remaining > 0) {
    let best: { s: DayState; block: Interval; key: number[] } | null = null;
    const want = Math.max(minBlock, Math.ceil(run.remaining / GRID) * GRID);
    for (const s of weekDays) {
      if (s.blocked || s.noMeeting) continue;
      const capLeft = Math.floor((cap - s.total) / GRID) * GRID;
      if (capLeft < minBlock) continue;
      for (const w of openWindows(s, minBlock)) {
        const len = Math.min(w.end - w.start, capLeft, want);
        if (len < minBlock) continue;
        const block = policy.preferredTime === 'afternoon' ? { start: w.end - len, end: w.end } : { start: w.start, end: w.start + len };
        // Smaller is better, element by element.
        const key = [s.total === 0 ? 0 : 1, -preferredShare(block, s, policy.preferredTime), -len, s.total, block.start];
        if (!best || compareKeys(key, best.key) < 0) best = { s, block, key };
      }
    }
    if (!best) break;
    placeBlock(ctx, run, best.s, best.block, 'new', null);
  }
}

/** Why the plan falls short of the target, if it does by a minute or more. */
function explainMiss(
  policy: FocusPolicy,
  totals: PlanTotals,
  plannedMs: number,
  noWorkingTime: boolean,
  blocked: ReadonlySet<string>,
): { missedCode: MissedCode | null; missedReason: string | null } {
  const { targetMs, achievableMs, boundNoCapMs, boundWithBlockedMs } = totals;
  if (targetMs - plannedMs < MINUTE) return { missedCode: null, missedReason: null };
  const hours = (ms: number) => `${round2(ms)} h`;
  if (noWorkingTime) {
    return { missedCode: 'no_working_time', missedReason: 'There are no working hours left in the range to hold focus time in.' };
  }
  if (achievableMs < targetMs - MINUTE && boundWithBlockedMs > achievableMs + MINUTE && blocked.size > 0) {
    return {
      missedCode: 'deleted_by_member',
      missedReason: `Focus blocks you deleted (${[...blocked].sort().join(', ')}) are not re-created on those days; the rest of the calendar allows ${hours(achievableMs)} of the ${hours(targetMs)} target.`,
    };
  }
  if (achievableMs < targetMs - MINUTE && boundNoCapMs > achievableMs + MINUTE) {
    return {
      missedCode: 'max_per_day',
      missedReason: `The daily maximum of ${round2(policy.maxPerDayMinutes * MINUTE)} h limits focus time to ${hours(achievableMs)} of the ${hours(targetMs)} target.`,
    };
  }
  if (achievableMs < targetMs - MINUTE) {
    return {
      missedCode: 'calendar_full',
      missedReason: `Only ${hours(achievableMs)} of free time is left in windows of at least ${policy.minBlockMinutes} minutes inside working hours (after ${policy.bufferMinutes}-minute buffers around meetings); the target is ${hours(targetMs)}.`,
    };
  }
  return {
    missedCode: 'fragmented',
    missedReason: `The free windows could not be combined into blocks reaching the ${hours(targetMs)} target (${hours(plannedMs)} planned).`,
  };
}

/**
 * The busy time focus blocks must avoid, from a member's events (UTC ms): confirmed or tentative,
 * opaque, timed events the member has not declined — the audit's notion of busy — leaving out
 * our own focus blocks (`ownIds`, by external id), which are what the planner places, and away
 * blocks (./away.ts), which the planner takes as `away` time instead.
 */
export function focusBusy(events: readonly CalendarEvent[], email: string, ownIds: ReadonlySet<string> = new Set()): Interval[] {
  const out: Interval[] = [];
  for (const e of events) {
    if (e.status === 'cancelled' || e.allDay || e.transparency === 'transparent' || e.end <= e.start) continue;
    if (ownIds.has(e.externalId) || isAwayBlock(e)) continue;
    if (e.attendees.some((a) => a.email === email && a.response === 'declined')) continue;
    out.push({ start: e.start, end: e.end });
  }
  return normalize(out);
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}
