/**
 * Series assembly: a calendar's VEVENTs grouped by UID into masters and their overrides
 * (RECURRENCE-ID), duplicates resolved, and each series expanded (ics.expand.ts) within the
 * file's instance budget. A series that cannot be read is skipped whole and reported; the rest of
 * the file is kept.
 */
import { UnmeetError } from '../../domain/errors';
import type { CalendarEvent } from '../../domain/types';
import { clip, first, type RawComponent, textValue } from './ics.property';
import { type EventComponent, expandSeries, type SeriesContext, type SeriesMembers } from './ics.expand';
import { MAX_INSTANCES_PER_FILE } from './ics.recurrence';

function uidOf(comp: RawComponent): string {
  const uid = textValue(first(comp, 'UID'))?.trim();
  if (uid) return uid;
  // RFC 5545 requires a UID; synthesise a stable one from start and title for sloppy producers.
  const key = `${first(comp, 'DTSTART')?.raw ?? ''}|${textValue(first(comp, 'SUMMARY')) ?? ''}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return `no-uid-${hash.toString(16)}`;
}

/** Keep the newest of duplicates (highest SEQUENCE, later in the file on ties). */
function keepNewest<K>(map: Map<K, EventComponent>, key: K, candidate: EventComponent): void {
  const existing = map.get(key);
  if (!existing || candidate.sequence >= existing.sequence) map.set(key, candidate);
}

/** One calendar's VEVENTs by role. */
class SeriesGroups {
  readonly masters = new Map<string, EventComponent>();
  /** Further VEVENTs with a master's UID and SEQUENCE: kept as their own events, under `uid#n`. */
  readonly twins: Array<[string, EventComponent]> = [];
  readonly overrides = new Map<string, Map<string, EventComponent>>();
  private readonly twinCounts = new Map<string, number>();

  constructor(private readonly ctx: SeriesContext) {}

  add(comp: RawComponent): void {
    const sequence = Number.parseInt(textValue(first(comp, 'SEQUENCE')) ?? '0', 10) || 0;
    const entry: EventComponent = { comp, uid: uidOf(comp), sequence };
    const recurrenceId = first(comp, 'RECURRENCE-ID');
    if (recurrenceId) {
      let byId = this.overrides.get(entry.uid);
      if (!byId) this.overrides.set(entry.uid, (byId = new Map()));
      keepNewest(byId, recurrenceId.raw.trim(), entry);
    } else {
      this.addMaster(entry);
    }
  }

  /**
   * A VEVENT without RECURRENCE-ID: a lower SEQUENCE than another with its UID is an older
   * version of it (dropped, reported); the same SEQUENCE is a distinct event that a producer gave
   * a clashing UID (kept under `uid#n`, reported) — silently keeping one would lose the other.
   */
  private addMaster(entry: EventComponent): void {
    const existing = this.masters.get(entry.uid);
    if (!existing) {
      this.masters.set(entry.uid, entry);
    } else if (existing.sequence === entry.sequence) {
      const n = (this.twinCounts.get(entry.uid) ?? 1) + 1;
      this.twinCounts.set(entry.uid, n);
      this.twins.push([`${entry.uid}#${n}`, entry]);
      this.ctx.warn('duplicate_uid', entry.comp.line, entry.uid, '');
    } else {
      const [keep, drop] = entry.sequence > existing.sequence ? [entry, existing] : [existing, entry];
      this.masters.set(entry.uid, keep);
      this.ctx.warn('superseded', drop.comp.line, entry.uid, String(keep.comp.line));
    }
  }
}

/**
 * {@link expandSeries} within the file's instance budget: a series that does not fit is dropped
 * whole (the budget is left for later, smaller ones), and one that cannot be read is skipped;
 * both are reported.
 */
function expandCounted(members: SeriesMembers, ctx: SeriesContext, out: CalendarEvent[]): void {
  const { uid, master, overrides } = members;
  const mark = out.length;
  const line = (master ?? overrides?.values().next().value)?.comp.line ?? 0;
  try {
    expandSeries(members, ctx, out);
  } catch (error) {
    if (!(error instanceof UnmeetError)) throw error;
    out.length = mark;
    const at = typeof error.details?.line === 'number' ? error.details.line : line;
    ctx.warn('event_skipped', at, uid, clip(error.message.replace(/^.*? at line \d+: /, '')));
    return;
  }
  const count = out.length - mark;
  if (count <= ctx.budget.instances) {
    ctx.budget.instances -= count;
    return;
  }
  out.length = mark;
  ctx.warn('instance_cap', line, uid, String(MAX_INSTANCES_PER_FILE));
}

/** Every event and instance of one VCALENDAR overlapping the window, appended to `out`. */
export function assembleCalendar(calendar: RawComponent, ctx: SeriesContext, out: CalendarEvent[]): void {
  const groups = new SeriesGroups(ctx);
  for (const comp of calendar.children) if (comp.name === 'VEVENT') groups.add(comp);
  // By value: a master's key is its uid (and iterating entries made an array per master).
  for (const master of groups.masters.values()) expandCounted({ uid: master.uid, master, overrides: groups.overrides.get(master.uid) }, ctx, out);
  for (const [uid, twin] of groups.twins) expandCounted({ uid, master: twin }, ctx, out);
  for (const [uid, overrides] of groups.overrides) if (!groups.masters.has(uid)) expandCounted({ uid, overrides }, ctx, out);
}
