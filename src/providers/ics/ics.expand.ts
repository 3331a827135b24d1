/**
 * One series — a master VEVENT and its overrides — into the events and instances overlapping the
 * window: DTSTART, RRULE (expanded by ics.recurrence.ts), RDATE, EXDATE, RECURRENCE-ID overrides
 * including `RANGE=THISANDFUTURE`, within the per-series caps. Liberal: an RRULE that cannot be
 * read is ignored (the event is kept once), an RRULE with stray spaces is read without them, and
 * an unreadable EXDATE, RDATE or override is left out, each reported with its line.
 */
import type { CalendarEvent } from '../../domain/types';
import { endOf, overlaps, parseDuration, readTiming, type Span, type Timing, type WallTime, wallTime, type ZoneContext } from './ics.dates';
import { type Facts, inherit, makeEvent, readFacts } from './ics.facts';
import { all, clip, first, param, type RawComponent, type RawProp } from './ics.property';
import {
  type FileBudget,
  iterateRule,
  MAX_INSTANCES_PER_SERIES,
  MAX_RULE_ITERATIONS,
  readRule,
  type Rule,
  type RuleOutcome,
} from './ics.recurrence';
import type { Zone } from './ics.zones';

const DAY = 86_400_000;

export interface EventComponent {
  comp: RawComponent;
  uid: string;
  sequence: number;
}

/** What expanding a calendar's series needs: zones, the window, and the file's budget. */
export interface SeriesContext extends ZoneContext {
  window: { start: number; end: number };
  budget: FileBudget;
}

/** An override, keyed by the instance it replaces; with RANGE=THISANDFUTURE it also changes every later one. */
interface Override {
  entry: EventComponent;
  recurrenceId: WallTime;
  thisAndFuture: boolean;
}

/** How a THISANDFUTURE override changes the instances after it. */
interface FutureChange {
  from: number;
  facts: Facts;
  shift: number;
  span: Span;
}

/** The value of an RRULE with white space removed (`BYDAY=MO, TU` as Exchange CDO writes it), reported. */
function cleanRule(prop: RawProp, uid: string, ctx: ZoneContext): RawProp {
  if (!/\s/.test(prop.raw.trim())) return prop;
  ctx.warn('rule_repaired', prop.line, uid, clip(prop.raw.trim()));
  return { ...prop, raw: prop.raw.replace(/\s+/g, '') };
}

/** The VEVENTs of one series: its master (absent when the file has only overrides) and its overrides by RECURRENCE-ID. */
export interface SeriesMembers {
  uid: string;
  master?: EventComponent | undefined;
  overrides?: Map<string, EventComponent> | undefined;
}

export function expandSeries({ uid, master, overrides }: SeriesMembers, ctx: SeriesContext, out: CalendarEvent[]): void {
  const masterFacts = master ? readFacts(master.comp) : null;
  const masterTiming = master ? readTiming(master.comp, uid, ctx) : null;
  // Most VEVENTs are single events: they need none of a series' bookkeeping.
  if (master && masterFacts && masterTiming && !overrides?.size && !first(master.comp, 'RRULE') && !first(master.comp, 'RDATE')) {
    const { start, span } = masterTiming;
    const end = endOf(start.local, start.utc, start.zone, span, ctx.window.end);
    if (overlaps(start.utc, end, ctx.window)) out.push(makeEvent(masterFacts, { externalId: uid, seriesKey: null, originalStart: null }, start.utc, end, start.isDate));
    return;
  }
  const series = new Series(uid, ctx, out, masterFacts, masterTiming);
  for (const entry of overrides?.values() ?? []) series.addOverride(entry);
  if (master && masterFacts && masterTiming) series.expandMaster(master.comp, masterFacts, masterTiming);
  series.emitOverrides();
}

class Series {
  private readonly overridden = new Map<number, Override>();
  private readonly future: FutureChange[] = [];
  private readonly excluded = new Set<number>();
  private readonly excludedDays = new Set<number>();
  private readonly seen = new Set<number>();
  private emitted = 0;
  /** More instances than the file has room for: the caller drops the series, so stop generating. */
  private full = false;

  constructor(
    private readonly uid: string,
    private readonly ctx: SeriesContext,
    private readonly out: CalendarEvent[],
    private readonly masterFacts: Facts | null,
    private readonly masterTiming: Timing | null,
  ) {}

  /**
   * An override, keyed by the UTC instant of the instance it replaces. A DATE-TIME RECURRENCE-ID
   * of an all-day series (Exchange writes them with a TZID) names the instance of its local date.
   */
  addOverride(entry: EventComponent): void {
    const prop = first(entry.comp, 'RECURRENCE-ID') as RawProp;
    let recurrenceId: WallTime;
    try {
      recurrenceId = wallTime(prop.raw, prop, this.ctx);
    } catch {
      this.ctx.warn('event_skipped', prop.line, this.uid, 'RECURRENCE-ID');
      return;
    }
    const start = this.masterTiming?.start;
    if (start?.isDate && !recurrenceId.isDate) {
      const local = Math.floor(recurrenceId.local / DAY) * DAY;
      recurrenceId = { local, utc: start.zone.toUtc(local), zone: start.zone, isDate: true };
    }
    const thisAndFuture = param(prop, 'range')?.trim().toUpperCase() === 'THISANDFUTURE';
    this.overridden.set(recurrenceId.utc, { entry, recurrenceId, thisAndFuture });
  }

  expandMaster(comp: RawComponent, facts: Facts, timing: Timing): void {
    this.readExclusions(comp, timing);
    this.readFutureChanges(timing);
    const rules: Array<[Rule, RawProp]> = [];
    for (const prop of all(comp, 'RRULE')) {
      const read = this.readRuleOf(prop, timing.start);
      if (read) rules.push(read);
    }
    const rdates = all(comp, 'RDATE');
    const { start, span } = timing;
    if (rules.length === 0 && rdates.length === 0 && this.overridden.size === 0) {
      const end = endOf(start.local, start.utc, start.zone, span, this.ctx.window.end);
      if (overlaps(start.utc, end, this.ctx.window)) {
        this.out.push(makeEvent(facts, { externalId: this.uid, seriesKey: null, originalStart: null }, start.utc, end, start.isDate));
      }
      return;
    }
    // DTSTART is always the first instance (RFC 5545 §3.8.5.3).
    this.add(start.local, start.utc, start.zone);
    for (const [rule, prop] of rules) {
      if (this.full) break;
      this.expandRule(rule, prop, timing, comp.line);
    }
    for (const prop of rdates) this.addRdates(prop);
  }

  /** EXDATEs: UTC instants, plus local days for date-only exclusions of timed series. */
  private readExclusions(comp: RawComponent, timing: Timing): void {
    for (const prop of all(comp, 'EXDATE')) {
      for (const value of prop.raw.split(',')) {
        if (value.trim() === '') continue;
        let time: WallTime;
        try {
          time = wallTime(value, prop, this.ctx);
        } catch {
          this.ctx.warn('property_skipped', prop.line, this.uid, 'EXDATE');
          continue;
        }
        // A DATE-TIME EXDATE of an all-day series (Outlook writes them with a TZID) excludes the
        // instance of its local date, as a RECURRENCE-ID does.
        if (!time.isDate && timing.start.isDate) this.excluded.add(timing.start.zone.toUtc(Math.floor(time.local / DAY) * DAY));
        else this.excluded.add(time.utc);
        if (time.isDate && !timing.start.isDate) this.excludedDays.add(Math.floor(time.local / DAY));
      }
    }
  }

  /** THISANDFUTURE overrides, latest last: each changes the instances after it as it changed its own. */
  private readFutureChanges(timing: Timing): void {
    for (const { entry, recurrenceId, thisAndFuture } of this.overridden.values()) {
      if (!thisAndFuture) continue;
      const own = this.overrideTiming(entry, recurrenceId);
      if (!own) continue;
      const facts = inherit(readFacts(entry.comp), this.masterFacts);
      const span = own.hasEnd ? own.timing.span : timing.span;
      this.future.push({ from: recurrenceId.utc, facts, shift: own.timing.start.utc - recurrenceId.utc, span });
    }
    this.future.sort((a, b) => a.from - b.from);
  }

  private futureChange(utc: number): FutureChange | null {
    let found: FutureChange | null = null;
    for (const change of this.future) if (change.from < utc) found = change;
    return found;
  }

  /** An RRULE read, or null when it is ignored (no value, or no readable rule): reported either way. */
  private readRuleOf(raw: RawProp, start: WallTime): [Rule, RawProp] | null {
    if (raw.raw.trim() === '') {
      this.ctx.warn('rule_ignored', raw.line, this.uid, 'empty');
      return null;
    }
    const prop = cleanRule(raw, this.uid, this.ctx);
    let rule: Rule;
    try {
      rule = readRule(prop, start);
    } catch (error) {
      this.ctx.warn('rule_ignored', prop.line, this.uid, clip((error as Error).message.replace(/^.*? at line \d+: (invalid RRULE: )?/, '')));
      return null;
    }
    // The rule reader's own repairs (unknown parts, values out of range, …), when it reports them.
    for (const repair of rule.warnings ?? []) {
      this.ctx.warn('rule_repaired', prop.line, this.uid, clip(repair.message));
    }
    return [rule, prop];
  }

  private expandRule(rule: Rule, prop: RawProp, timing: Timing, line: number): void {
    const { start, span } = timing;
    const { window } = this.ctx;
    const outcome: RuleOutcome = { stoppedBy: null };
    const longest = span.days * DAY + span.ms;
    const bounds = { skipBefore: window.start - longest - 2 * DAY, stopAfter: window.end + 2 * DAY };
    iterateRule(rule, start, bounds, this.ctx.budget, outcome, (local, utc) => {
      if (utc >= window.end) return false;
      if (rule.untilUtc !== null && utc > rule.untilUtc) return false;
      this.add(local, utc, start.zone);
      if (this.emitted < MAX_INSTANCES_PER_SERIES) return !this.full;
      if (!this.full) this.ctx.warn('series_cap', line, this.uid, String(MAX_INSTANCES_PER_SERIES));
      return false;
    });
    if (this.full) return;
    if (outcome.stoppedBy === 'iterations') this.ctx.warn('series_cap', prop.line, this.uid, String(MAX_RULE_ITERATIONS));
    else if (outcome.stoppedBy) this.ctx.warn('step_budget', prop.line, this.uid, String(this.emitted));
  }

  private addRdates(prop: RawProp): void {
    for (const value of prop.raw.split(',')) {
      if (value.trim() === '' || this.emitted >= MAX_INSTANCES_PER_SERIES || this.full) continue;
      const [from, to] = value.split('/');
      try {
        const time = wallTime(from as string, prop, this.ctx);
        let end: number | undefined;
        if (to !== undefined) {
          end = /^[+-]?P/i.test(to.trim())
            ? endOf(time.local, time.utc, time.zone, parseDuration({ ...prop, raw: to }), this.ctx.window.end)
            : Math.max(time.utc, wallTime(to, prop, this.ctx).utc);
        }
        this.add(time.local, time.utc, time.zone, end);
      } catch {
        this.ctx.warn('property_skipped', prop.line, this.uid, 'RDATE');
      }
    }
  }

  /** One instance of the master's rule or RDATEs, unless excluded, overridden or outside the window. */
  private add(local: number, utc: number, zone: Zone, end?: number): void {
    const timing = this.masterTiming as Timing;
    if (this.seen.has(utc)) return;
    this.seen.add(utc);
    if (this.excluded.has(utc) || this.overridden.has(utc)) return;
    if (this.excludedDays.size > 0 && zone === timing.start.zone && this.excludedDays.has(Math.floor(local / DAY))) return;
    const change = this.future.length > 0 ? this.futureChange(utc) : null;
    const start = change ? utc + change.shift : utc;
    const span = change ? change.span : timing.span;
    const instanceEnd = end ?? endOf(local, start, change ? shifted(zone, change.shift) : zone, span, this.ctx.window.end);
    if (!overlaps(start, instanceEnd, this.ctx.window)) return;
    this.emitted += 1;
    if (this.emitted > this.ctx.budget.instances) this.full = true;
    const ids = { externalId: `${this.uid}::${utc}`, seriesKey: this.uid, originalStart: utc };
    this.out.push(makeEvent(change?.facts ?? (this.masterFacts as Facts), ids, start, instanceEnd, timing.start.isDate));
  }

  /** An override's own timing, or null (reported) when it cannot be read; `hasEnd`: it states its own DTEND or DURATION. */
  private overrideTiming(entry: EventComponent, recurrenceId: WallTime): { timing: Timing; hasEnd: boolean } | null {
    try {
      const timing = readTiming(entry.comp, this.uid, this.ctx, recurrenceId);
      return { timing, hasEnd: Boolean(first(entry.comp, 'DTEND') || first(entry.comp, 'DURATION')) };
    } catch {
      this.ctx.warn('event_skipped', entry.comp.line, this.uid, 'DTSTART');
      return null;
    }
  }

  emitOverrides(): void {
    for (const { entry, recurrenceId } of this.overridden.values()) {
      if (this.excluded.has(recurrenceId.utc)) continue; // EXDATE wins over a stale override
      const own = this.overrideTiming(entry, recurrenceId);
      if (!own) continue;
      const facts = inherit(readFacts(entry.comp), this.masterFacts);
      const span = own.hasEnd || !this.masterTiming ? own.timing.span : this.masterTiming.span;
      const { start } = own.timing;
      const end = endOf(start.local, start.utc, start.zone, span, this.ctx.window.end);
      if (!overlaps(start.utc, end, this.ctx.window)) continue;
      const ids = { externalId: `${this.uid}::${recurrenceId.utc}`, seriesKey: this.uid, originalStart: recurrenceId.utc };
      this.out.push(makeEvent(facts, ids, start.utc, end, start.isDate));
    }
  }
}

/** A zone read `shift` ms later: the end of a moved instance follows its moved start. */
function shifted(zone: Zone, shift: number): Zone {
  return { iana: zone.iana, toUtc: (localMs) => zone.toUtc(localMs) + shift };
}
