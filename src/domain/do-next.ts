/**
 * "Do next" (issue 19): a short ranked list of the steps that give a team the most time back —
 * recurring series to turn into written updates, people below their focus target, rotations
 * where one zone carries most of the load — each with a stable key a viewer can dismiss or
 * snooze by, and the total hours back per month if all of it were done (docs/dashboard.md says
 * how each figure is computed).
 *
 * Pure: the candidates come in as plain data, and "now" is an argument.
 */

/** How many items the list shows at most. */
export const DO_NEXT_LIMIT = 5;
/** How many series it proposes at most (the rest stay on the flags page). */
export const DO_NEXT_SERIES_LIMIT = 3;
/** How long "snooze" hides an item. */
export const SNOOZE_DAYS = 7;
const WEEKS_PER_MONTH = 52 / 12;

export interface SeriesItem {
  kind: 'series';
  key: string;
  seriesKey: string;
  title: string;
  /** Person-hours the series takes per year: what converting it gives back. */
  hoursPerYear: number;
  /** Null when the workspace has no hourly rate. */
  moneyPerYear: number | null;
  hoursPerMonth: number;
}

export interface FocusPerson {
  memberId: string;
  /** Null when the viewer may not see this person by name (counted only). */
  name: string | null;
  focusHours: number;
  targetHours: number;
}

export interface FocusItem {
  kind: 'focus';
  key: 'focus:below-target';
  /** People below target the viewer may see by name, in name order (never ranked). */
  named: Array<{ memberId: string; name: string }>;
  /** People below target counted without their names. */
  unnamed: number;
  hoursPerMonth: number;
}

export interface RotationItem {
  kind: 'rotation';
  key: string;
  rotationId: string;
  title: string;
  zone: string;
  /** The zone's share of the series' burden, 0–1. */
  burdenShare: number;
  /** The zone's share of the participants, 0–1. */
  peopleShare: number;
  hoursPerMonth: 0;
}

export type DoNextItem = SeriesItem | FocusItem | RotationItem;

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The series worth converting: not kept and not decided, suggested as a written update, by the
 * person-hours they take per year (largest first).
 */
export function seriesItems(
  series: ReadonlyArray<{ seriesKey: string; title: string; verdict: string; suggestedFormat: string | null; decision: unknown; cost: { personHoursPerYear: number; moneyPerYear: number | null } }>,
): SeriesItem[] {
  return series
    .filter((s) => s.verdict !== 'keep' && s.decision === null && s.suggestedFormat === 'written-update' && s.cost.personHoursPerYear > 0)
    .sort((a, b) => b.cost.personHoursPerYear - a.cost.personHoursPerYear || a.seriesKey.localeCompare(b.seriesKey))
    .slice(0, DO_NEXT_SERIES_LIMIT)
    .map((s) => ({
      kind: 'series',
      key: `series:${s.seriesKey}`,
      seriesKey: s.seriesKey,
      title: s.title,
      hoursPerYear: round1(s.cost.personHoursPerYear),
      moneyPerYear: s.cost.moneyPerYear === null ? null : Math.round(s.cost.moneyPerYear),
      hoursPerMonth: round1(s.cost.personHoursPerYear / 12),
    }));
}

/**
 * People whose focus time last week fell below their weekly target. The hours back are each
 * one's shortfall (target − focus, h/week) as a month: the focus time protecting it would hold.
 * Null when nobody is below target.
 */
export function focusItem(people: readonly FocusPerson[]): FocusItem | null {
  const below = people.filter((p) => p.focusHours < p.targetHours - 1e-9);
  if (below.length === 0) return null;
  const shortfall = below.reduce((sum, p) => sum + (p.targetHours - Math.max(0, p.focusHours)), 0);
  return {
    kind: 'focus',
    key: 'focus:below-target',
    named: below.flatMap((p) => (p.name === null ? [] : [{ memberId: p.memberId, name: p.name }])).sort((a, b) => a.name.localeCompare(b.name)),
    unnamed: below.filter((p) => p.name === null).length,
    hoursPerMonth: round1(shortfall * WEEKS_PER_MONTH),
  };
}

/**
 * The zone that carries most of a committed rotation's burden: more than half of it, and at least
 * 1.5 times its share of the participants (a zone with most of the people may carry most of the
 * load fairly). Null for a fair series, one zone only, or no burden at all.
 */
export function rotationItem(rotation: { id: string; title: string; burdens: ReadonlyArray<{ timeZone: string; burden: number }> }): RotationItem | null {
  const total = rotation.burdens.reduce((s, b) => s + Math.max(0, b.burden), 0);
  const zones = new Map<string, { burden: number; people: number }>();
  for (const b of rotation.burdens) {
    const z = zones.get(b.timeZone) ?? { burden: 0, people: 0 };
    z.burden += Math.max(0, b.burden);
    z.people += 1;
    zones.set(b.timeZone, z);
  }
  if (zones.size < 2 || !(total > 0)) return null;
  const [zone, top] = [...zones].sort((a, b) => b[1].burden - a[1].burden || a[0].localeCompare(b[0]))[0]!;
  const burdenShare = top.burden / total;
  const peopleShare = top.people / rotation.burdens.length;
  if (!(burdenShare > 0.5 && burdenShare >= 1.5 * peopleShare)) return null;
  return { kind: 'rotation', key: `rotation:${rotation.id}`, rotationId: rotation.id, title: rotation.title, zone, burdenShare: Math.round(burdenShare * 100) / 100, peopleShare: Math.round(peopleShare * 100) / 100, hoursPerMonth: 0 };
}

/** A viewer's dismissal or snooze: `until` null hides the item for good. */
export interface Dismissal {
  itemKey: string;
  until: number | null;
}

export const isHidden = (d: Dismissal, now: number) => d.until === null || d.until > now;

/**
 * The list a viewer sees: items they have not dismissed or snoozed (as of `now`), most hours
 * back per month first (rotations, which give fairness rather than hours, after them by how
 * lopsided they are), at most {@link DO_NEXT_LIMIT}; and the total hours back per month of
 * the items shown.
 */
export function rankDoNext<T extends DoNextItem>(items: readonly T[], dismissals: readonly Dismissal[], now: number): { items: T[]; hoursPerMonth: number; hidden: number } {
  const hiddenKeys = new Set(dismissals.filter((d) => isHidden(d, now)).map((d) => d.itemKey));
  const open = items.filter((i) => !hiddenKeys.has(i.key));
  const weight = (i: DoNextItem) => (i.kind === 'rotation' ? i.burdenShare - i.peopleShare : 0);
  const ranked = [...open].sort((a, b) => b.hoursPerMonth - a.hoursPerMonth || weight(b) - weight(a) || a.key.localeCompare(b.key)).slice(0, DO_NEXT_LIMIT);
  return { items: ranked, hoursPerMonth: round1(ranked.reduce((s, i) => s + i.hoursPerMonth, 0)), hidden: items.length - open.length };
}
