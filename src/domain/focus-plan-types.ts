/**
 * What the focus planner takes and gives (focus-planner.ts): the focus policy with its defaults
 * and layering, the member's existing blocks, the plan's input, its blocks and the reason a
 * target was missed. Apart from the planner so that services and views can name these shapes
 * without reading the planning steps.
 */
import type { Interval, Weekday, WorkingHours } from './types';

export type PreferredTime = 'morning' | 'afternoon' | 'any';
export const AUTO_DECLINE_MODES = ['declineNone', 'declineOnlyNewConflictingInvitations', 'declineAllConflictingInvitations'] as const;
export type AutoDeclineMode = (typeof AUTO_DECLINE_MODES)[number];

/** A member's focus policy (workspace defaults with the member's overrides applied). */
export interface FocusPolicy {
  /** Focus hours to hold per week. */
  weeklyTargetHours: number;
  /** Shortest block worth holding, minutes. */
  minBlockMinutes: number;
  /** Most focus time per day, minutes (no-meeting days are filled regardless). */
  maxPerDayMinutes: number;
  preferredTime: PreferredTime;
  /** Free time kept on each side of busy time, minutes. */
  bufferMinutes: number;
  /** Team no-meeting days: focus holds fill them. */
  noMeetingDays: Weekday[];
  /** How many days ahead to plan. */
  planAheadDays: number;
  /** Google focus time: what happens to invitations that conflict with a block. */
  autoDeclineMode: AutoDeclineMode;
}

export const DEFAULT_FOCUS_POLICY: Readonly<FocusPolicy> = Object.freeze({
  weeklyTargetHours: 10,
  minBlockMinutes: 90,
  maxPerDayMinutes: 240,
  preferredTime: 'any',
  bufferMinutes: 10,
  noMeetingDays: [],
  planAheadDays: 14,
  autoDeclineMode: 'declineNone',
});

/**
 * The effective policy: built-in defaults, then the workspace's settings, then the member's
 * overrides (keys that are undefined fall through).
 */
export function resolveFocusPolicy(...layers: ReadonlyArray<Partial<FocusPolicy> | null | undefined>): FocusPolicy {
  const out: FocusPolicy = { ...DEFAULT_FOCUS_POLICY, noMeetingDays: [...DEFAULT_FOCUS_POLICY.noMeetingDays] };
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer)) if (value !== undefined) (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** A focus block already in the calendar. */
export interface ExistingBlock {
  id: string;
  start: number;
  end: number;
  /** Moved by the member (or in progress): counted as focus time, never moved or removed. */
  pinned?: boolean;
}

export interface FocusPlanInput {
  timeZone: string;
  workingHours: WorkingHours;
  policy: FocusPolicy;
  /** Local dates `from` ≤ date < `to` in `timeZone`. */
  range: { from: string; to: string };
  /** Busy time (meetings, personal blocks), UTC ms; our own focus blocks excluded. */
  busy: readonly Interval[];
  /**
   * Time the member is away (out of office, on leave: `awayIntervals` in ./away.ts), UTC ms. It
   * is not working time: no block goes there, and the weekly target shrinks with the working
   * time it takes.
   */
  away?: readonly Interval[];
  existing?: readonly ExistingBlock[];
  /** Local dates where the member deleted one of our blocks: no block is placed there again. */
  blockedDates?: readonly string[];
  /** Nothing is planned before this instant (UTC ms), e.g. now. */
  notBefore?: number;
}

export type BlockSource = 'pinned' | 'kept' | 'shrunk' | 'new';

export interface PlannedBlock {
  start: number;
  end: number;
  /** Local date of the block in the member's zone. */
  date: string;
  source: BlockSource;
  /** The existing block this one keeps or shrinks; null for new blocks. */
  existingId: string | null;
}

export type MissedCode = 'no_working_time' | 'calendar_full' | 'max_per_day' | 'deleted_by_member' | 'fragmented';

export interface FocusPlan {
  /** Every block of the plan (pinned ones included), by start. */
  blocks: PlannedBlock[];
  /** Existing (not pinned) blocks the plan does not keep, by id. */
  dropped: string[];
  targetHours: number;
  achievableHours: number;
  plannedHours: number;
  missedCode: MissedCode | null;
  missedReason: string | null;
}
