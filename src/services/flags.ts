/**
 * Flags for a workspace: load the members and the stored events of a range, let the rubric
 * score every recurring series (and long or large one-offs), and attach the decisions
 * organizers or admins recorded (`keep` for a while, or `converted`).
 */
import { DateTime } from 'luxon';
import { seriesErrors } from '../domain/error-codes/series';
import { workspaceErrors } from '../domain/error-codes/workspace';
import { calibrateThresholds, similarDecisions, type Calibration, type DecidedSeries } from '../domain/flag-learning';
import { collectSeries, scoreSeries, sortFlags, type CollectSeriesInput, type SeriesFlag, type Verdict } from '../domain/meeting-flags';
import type { CalendarEvent } from '../domain/types';
import { parseDateRange } from '../domain/working-hours';
import type { DecisionRow } from '../db/flags.repository';
import { toMember, type MemberRow } from '../db/members.repository';
import type { SeriesDecision } from '../db/schema';
import type { Workspace } from '../db/workspaces.repository';
import type { Deps } from './deps';
import { memoized } from './memo';

const DAY = 86_400_000;
/** How long a `keep` decision holds by default, in days. */
export const DEFAULT_KEEP_DAYS = 90;
/** The range flags look at when none is given: the 28 days before today (UTC date). */
export const DEFAULT_RANGE_DAYS = 28;

export interface FlagRange {
  from: string;
  to: string;
}

export function defaultFlagRange(now: number, range: Partial<FlagRange> = {}): FlagRange {
  const to = range.to ?? DateTime.fromMillis(now, { zone: 'utc' }).toISODate()!;
  const from = range.from ?? DateTime.fromISO(to, { zone: 'utc' }).minus({ days: DEFAULT_RANGE_DAYS }).toISODate()!;
  parseDateRange(from, to);
  return { from, to };
}

export interface WorkspaceFlags {
  workspace: Workspace;
  members: MemberRow[];
  range: FlagRange;
  flags: SeriesFlag[];
  /** The thresholds in force for this workspace and the decisions behind them. */
  calibration: Calibration;
}

/**
 * Scores every series of the workspace over the range (no filtering), learning from the
 * decisions in force: similar series carry them as reasons, and they calibrate the thresholds.
 */
export async function computeWorkspaceFlags(deps: Pick<Deps, 'repos' | 'memo' | 'clock'>, workspaceId: string, range: FlagRange): Promise<WorkspaceFlags> {
  parseDateRange(range.from, range.to);
  // Decisions in force change as keeps expire, so the minute is part of the key (decisions themselves bump the data version).
  return memoized(deps, workspaceId, 'flags', [range.from, range.to, flagListMinute(deps)], () => scoreWorkspace(deps, workspaceId, range));
}

async function scoreWorkspace(deps: Pick<Deps, 'repos' | 'clock'>, workspaceId: string, range: FlagRange): Promise<WorkspaceFlags> {
  const workspace = await deps.repos.workspaces.get(workspaceId);
  if (!workspace) throw workspaceErrors.not_found('Workspace not found.');
  const members = await deps.repos.members.list(workspaceId);
  const window = { start: Date.parse(`${range.from}T00:00:00Z`) - 2 * DAY, end: Date.parse(`${range.to}T00:00:00Z`) + 2 * DAY };
  const events: CalendarEvent[] = (await deps.repos.events.listInWindow(workspaceId, window)).map((r) => r.event);
  const { flags, calibration } = await flagWithLearning(deps, workspaceId, { members: members.map(toMember), events, range, hourlyRate: workspace.hourlyRate });
  return { workspace, members, range, flags, calibration };
}

/**
 * Scores the series in `events` with what this workspace's organizers decided: decisions in force
 * about series among them calibrate the thresholds, and each series carries the decisions on
 * similar ones. Only series the caller passed can teach anything, so a viewer's scoped view
 * never learns from calendars it may not see, and nothing crosses workspaces.
 */
export async function flagWithLearning(
  deps: Pick<Deps, 'repos' | 'clock'>,
  workspaceId: string,
  input: CollectSeriesInput & { hourlyRate: number },
): Promise<{ flags: SeriesFlag[]; calibration: Calibration }> {
  const facts = collectSeries(input);
  const decisions = new Map((await deps.repos.flags.activeDecisions(workspaceId, deps.clock())).map((d) => [d.seriesKey, d.decision]));
  const decided: DecidedSeries[] = facts.flatMap((f) => {
    const decision = decisions.get(f.seriesKey);
    return decision ? [{ facts: f, decision, score: scoreSeries(f).score }] : [];
  });
  const calibration = calibrateThresholds(decided);
  const flags = sortFlags(facts.map((f) => scoreSeries(f, input.hourlyRate, { thresholds: calibration.thresholds, similar: similarDecisions(f, decided) })));
  return { flags, calibration };
}

export interface FlagQuery extends Partial<FlagRange> {
  verdict?: Verdict | undefined;
  organizer?: string | undefined;
  /** Include series with a decision in force (default: only undecided ones). */
  includeDecided?: boolean | undefined;
}

const decisionView = (d: DecisionRow | undefined) =>
  d ? { decision: d.decision, decidedBy: d.decidedBy, decidedAt: d.decidedAt, expiresAt: d.expiresAt } : null;

/**
 * The flags API: every scored series with its reasons, cost, verdict and the decision in
 * force, filtered by verdict and organizer; series with a decision in force are left out
 * unless `includeDecided`.
 */
export async function listFlags(deps: Pick<Deps, 'repos' | 'clock' | 'memo'>, workspaceId: string, query: FlagQuery) {
  return memoized(deps, workspaceId, 'flags.list', [query, flagListMinute(deps)], () => filterFlags(deps, workspaceId, query));
}

/** What a cached flag list depends on besides the data version: decisions expire by the minute. */
export const flagListMinute = (deps: Pick<Deps, 'clock'>) => Math.floor(deps.clock() / 60_000);

async function filterFlags(deps: Pick<Deps, 'repos' | 'clock' | 'memo'>, workspaceId: string, query: FlagQuery) {
  const now = deps.clock();
  const range = defaultFlagRange(now, query);
  const { workspace, flags } = await computeWorkspaceFlags(deps, workspaceId, range);
  const decisions = new Map((await deps.repos.flags.activeDecisions(workspaceId, now)).map((d) => [d.seriesKey, d]));
  const organizer = query.organizer?.toLowerCase();
  const series = flags
    .filter((f) => !query.verdict || f.verdict === query.verdict)
    .filter((f) => !organizer || f.organizer === organizer)
    .filter((f) => query.includeDecided || !decisions.has(f.seriesKey))
    // Reasons keep their params (the numbers behind each sentence): the dashboard phrases them in Indonesian.
    .map((f) => ({ ...f, decision: decisionView(decisions.get(f.seriesKey)) }));
  return { range, currency: workspace.currency, series };
}

/**
 * Records a decision about a series of this workspace: `keep` (not flagged or suggested again
 * for `keepDays`, default 90) or `converted` (for good). A series the workspace has never
 * seen is `series.not_found`.
 */
export async function decideSeries(
  deps: Pick<Deps, 'repos' | 'clock'>,
  workspaceId: string,
  input: { seriesKey: string; decision: SeriesDecision; keepDays?: number | undefined; decidedBy: string },
) {
  if (!(await deps.repos.flags.seriesExists(workspaceId, input.seriesKey))) {
    throw seriesErrors.not_found(`No meeting series ${input.seriesKey} in this workspace.`);
  }
  const now = deps.clock();
  const expiresAt = input.decision === 'keep' ? now + (input.keepDays ?? DEFAULT_KEEP_DAYS) * DAY : null;
  const row = await deps.repos.flags.decide(workspaceId, input.seriesKey, { decision: input.decision, decidedBy: input.decidedBy, expiresAt }, now);
  return { seriesKey: row.seriesKey, ...decisionView(row)! };
}
