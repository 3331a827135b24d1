/**
 * "Do next" for one viewer (a manager or above): gathers the candidates — flagged series from
 * the viewer's scoped flags, people below their focus target in the last complete week, and
 * committed rotations where one zone carries most of the load — ranks them (domain/do-next.ts),
 * and leaves out what this viewer dismissed or snoozed. The candidates are cached per data
 * version, last complete week, privacy scope and hour; the viewer's dismissals are read per request.
 */
import { focusItem, rankDoNext, rotationItem, seriesItems, SNOOZE_DAYS, type Dismissal, type DoNextItem, type FocusPerson } from '../domain/do-next';
import { doNextErrors } from '../domain/error-codes/do-next';
import { resolveFocusPolicy, type FocusPolicy } from '../domain/focus-plan-types';
import { effectiveMinGroupSize, memberVisibility } from '../domain/privacy';
import { auditWorkspace } from './audit';
import { resolveWeeks } from './dashboard';
import type { Deps } from './deps';
import { memoized } from './memo';
import { rotationInput } from './rotation-input';
import { scopedFlags, viewerScope, type Viewer, type ViewerScope } from './team-views';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Who dismisses: a person by id, or an API key as `key:<apiKeyId>`. */
export function viewerKey(viewer: { personId?: string | null; apiKeyId?: string | null }): string {
  if (viewer.personId) return viewer.personId;
  return `key:${viewer.apiKeyId ?? ''}`;
}

/** The rotation form's fields (POST /rotation) that plan the series again from next Monday, with everyone's burden so far. */
export interface ReplanForm {
  title: string;
  durationMinutes: number;
  every: number;
  unit: 'day' | 'week';
  occurrences: number;
  startDate: string;
  participants: string[];
  extra: string;
}

export type DoNextEntry = DoNextItem & { replan?: ReplanForm };

export interface DoNextList {
  /** The week the focus figures are from (the last complete week). */
  week: { from: string; to: string };
  currency: string;
  items: DoNextEntry[];
  /** Hours back per month if every item shown were done. */
  hoursPerMonth: number;
  /** Items this viewer dismissed or snoozed, not shown. */
  hidden: number;
}

/**
 * The candidates are recomputed at most once an hour besides data changes: scoring a large
 * team's flags takes seconds, and an hour-old expiry of a `keep` decision is harmless here.
 */
const hourOf = (now: number) => Math.floor(now / HOUR);

/** The viewer's list (see the module comment); `dismissals` when the caller has read them already. */
export async function doNextFor(deps: Deps, viewer: Viewer & { key: string }, known?: ViewerScope, dismissals?: readonly Dismissal[]): Promise<DoNextList> {
  const now = deps.clock();
  const scope = known ?? (await viewerScope(deps, viewer));
  const week = resolveWeeks(now, { weeks: '1' });
  const candidates = await memoized(deps, viewer.workspaceId, 'do-next', [week.from, scope.key, hourOf(now)], () => gather(deps, viewer, scope, week), scope.dataVersion);
  const ranked = rankDoNext(candidates.items, dismissals ?? (await deps.repos.doNext.list(viewer.workspaceId, viewer.key)), now);
  return { week: { from: week.from, to: week.to }, currency: candidates.currency, ...ranked };
}

async function gather(deps: Deps, viewer: Viewer, scope: ViewerScope, week: { from: string; to: string }) {
  const [workspace, members, flags, audit, workspacePolicy, focusRows, ledger] = await Promise.all([
    deps.repos.workspaces.get(viewer.workspaceId),
    deps.repos.members.list(viewer.workspaceId),
    scopedFlags(deps, viewer, {}, scope),
    auditWorkspace(deps, viewer.workspaceId, week),
    deps.repos.focus.workspacePolicy(viewer.workspaceId),
    deps.repos.focus.members(viewer.workspaceId),
    deps.repos.rotations.ledger(viewer.workspaceId),
  ]);
  const seen = memberVisibility({ memberIds: members.map((m) => m.id), hidden: scope.hiddenMemberIds, minGroupSize: workspace?.minGroupSize });
  const overrides = new Map(focusRows.map((r) => [r.memberId, (r.policy ?? {}) as Partial<FocusPolicy>]));
  const byEmail = new Map(audit.members.map((m) => [m.email, m.metrics]));
  const people: FocusPerson[] = members.flatMap((m) => {
    const metrics = byEmail.get(m.email);
    // No working time last week (away, or not started): nothing to protect.
    if (!metrics || !(metrics.workingTimeHours > 0)) return [];
    const named = seen.named.has(m.id);
    // Unnamed people are counted only where totals may be shown (the privacy rule).
    if (!named && !seen.teamTotals) return [];
    const target = resolveFocusPolicy(workspacePolicy, overrides.get(m.id)).weeklyTargetHours;
    return [{ memberId: m.id, name: named ? m.name : null, focusHours: metrics.focusHours, targetHours: target }];
  });

  const min = effectiveMinGroupSize(workspace?.minGroupSize);
  const memberEmails = new Set(members.map((m) => m.email.toLowerCase()));
  const byRotation = new Map<string, Array<{ email: string; timeZone: string; burden: number }>>();
  for (const row of ledger) byRotation.set(row.rotationId, [...(byRotation.get(row.rotationId) ?? []), row]);
  const rotations = [];
  for (const [id, burdens] of byRotation) {
    const item = rotationItem({ id, title: '', burdens });
    if (!item) continue;
    // A small zone holding someone's private numbers would give their burden away.
    const zonePeople = burdens.filter((b) => b.timeZone === item.zone);
    if (zonePeople.length < min && zonePeople.some((b) => scope.privateEmails.has(b.email.toLowerCase()))) continue;
    const row = await deps.repos.rotations.get(viewer.workspaceId, id);
    if (row) rotations.push({ ...item, title: row.title, replan: replanForm(row.title, row.input, memberEmails, new Date(Date.parse(`${week.to}T00:00:00Z`) + 7 * DAY).toISOString().slice(0, 10)) });
  }
  const focus = focusItem(people);
  const items: DoNextEntry[] = [...seriesItems(flags.series), ...(focus ? [focus] : []), ...rotations];
  return { currency: flags.currency, items };
}

/** The stored request of a committed rotation as the rotation form's fields, starting on `startDate` (next Monday). */
function replanForm(title: string, input: Record<string, unknown>, memberEmails: ReadonlySet<string>, startDate: string): ReplanForm | undefined {
  const parsed = rotationInput.safeParse(input);
  if (!parsed.success) return undefined;
  const r = parsed.data;
  const emails = r.participants.map((p) => p.email.toLowerCase());
  return {
    title,
    durationMinutes: r.durationMinutes,
    every: r.cadence.every,
    unit: r.cadence.unit,
    occurrences: r.occurrences,
    startDate,
    participants: emails.filter((e) => memberEmails.has(e)),
    extra: r.participants
      .filter((p) => !memberEmails.has(p.email.toLowerCase()))
      .map((p) => `${p.email}${p.timeZone ? ` ${p.timeZone}` : ''}`)
      .join('\n'),
  };
}

/** The item keys the service can produce: `series:<seriesKey>`, `focus:below-target`, `rotation:<id>`. */
const ITEM_KEY = /^(series:.{1,500}|focus:below-target|rotation:[\w-]{1,64})$/;

/** Dismisses an item for this viewer for good, or snoozes it for {@link SNOOZE_DAYS} days. */
export async function hideDoNext(deps: Pick<Deps, 'repos' | 'clock'>, viewer: { workspaceId: string; key: string }, itemKey: string, how: 'dismiss' | 'snooze') {
  if (!ITEM_KEY.test(itemKey)) throw doNextErrors.not_found('No such Do next item: a key is series:<seriesKey>, focus:below-target or rotation:<id>.');
  const now = deps.clock();
  const until = how === 'snooze' ? now + SNOOZE_DAYS * DAY : null;
  await deps.repos.doNext.hide(viewer.workspaceId, viewer.key, itemKey, until, now);
  return { itemKey, until: until === null ? null : new Date(until).toISOString() };
}
