/**
 * The recurrence engine beside the libraries it could have been (docs/recurrence.md, "Why not a
 * library"): each on the test vectors of tests/fixtures/recurrence/ and on a speed run over a
 * one-year window, plus the engine's steps per rule shape. The candidates are never project
 * dependencies; install them elsewhere and point CANDIDATES_DIR there:
 *
 *   npm install --prefix /tmp/reclibs rrule@2.8.1 rrule-temporal@2.2.8 ical.js@2.2.1
 *   CANDIDATES_DIR=/tmp/reclibs npx tsx bench/recurrence-candidates.ts
 *
 * Without CANDIDATES_DIR only the engine runs. SPEED_ONLY=1 skips the vectors.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import { expandRule } from '../src/domain/recurrence/expand';
import { parseRRule } from '../src/domain/recurrence/rule';

// The candidates are loaded from outside the project, untyped on purpose.
/* eslint-disable @typescript-eslint/no-explicit-any */
const candidatesDir = process.env.CANDIDATES_DIR;
const load = (name: string): any => (candidatesDir && existsSync(join(candidatesDir, 'node_modules', name)) ? createRequire(join(candidatesDir, 'package.json'))(name) : null);
const RRule: any = load('rrule')?.RRule;
const RRuleTemporal: any = load('rrule-temporal')?.RRuleTemporal;
const ICAL: any = load('ical.js')?.default ?? load('ical.js');


type V = { name: string; dtstart: string; rrule: string; expected: string[]; limit?: number; dtstartIncluded?: boolean };
const dir = join(import.meta.dirname, '../tests/fixtures/recurrence/');
const files = ['dateutil.json', 'rfc5545.json', 'icaljs.json'];
const toMs = (t: string) => Date.UTC(+t.slice(0, 4), +t.slice(4, 6) - 1, +t.slice(6, 8), +(t.slice(9, 11) || 0), +(t.slice(11, 13) || 0), +(t.slice(13, 15) || 0));
const fmt = (ms: number, isDate: boolean) => { const s = new Date(ms).toISOString().replace(/[-:]/g, ''); return isDate ? s.slice(0, 8) : s.slice(0, 15); };
const CAP = 1000;

type Lib = (v: V, zone: string | undefined, max: number) => string[];
const boundOf = (v: V): number => (v.expected.length ? toMs(v.expected[v.expected.length - 1]!) + 2 * 86_400_000 : toMs(v.dtstart) + 20 * 365 * 86_400_000);
const full = (t: string) => (t.length === 8 ? `${t}T000000` : t);

const engine: Lib = (v, zone, max) => {
  const p = parseRRule(v.rrule); if (!p.ok) return ['<error>'];
  const isDate = v.dtstart.length === 8; const start = toMs(v.dtstart); const out: string[] = [];
  const toUtc = zone ? (l: number) => { const d = new Date(l); return DateTime.fromObject({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() }, { zone }).toMillis(); } : (l: number) => l;
  expandRule(p.rule, { local: start, isDate }, { toUtc, skipBefore: start, stopAfter: Date.UTC(9999, 0, 1), budget: { steps: 5e6 }, dtstartCounts: v.dtstartIncluded === true }, (l) => { out.push(fmt(l, isDate)); return out.length < max; });
  return out;
};
const rrulejs: Lib = (v, zone, max) => {
  const isDate = v.dtstart.length === 8;
  let rule = v.rrule;
  if (zone) rule = rule.replace(/UNTIL=(\d{8}T\d{6})Z/, (_m, u) => `UNTIL=${DateTime.fromISO(`${u.slice(0, 4)}-${u.slice(4, 6)}-${u.slice(6, 8)}T${u.slice(9, 11)}:${u.slice(11, 13)}:${u.slice(13, 15)}Z`).setZone(zone).toFormat("yyyyMMdd'T'HHmmss")}`);
  const r = RRule.fromString(`DTSTART:${full(v.dtstart)}Z\nRRULE:${rule.replace(/UNTIL=(\d{8})(;|$)/, 'UNTIL=$1T235959$2')}`);
  return r.between(new Date(toMs(v.dtstart)), new Date(boundOf(v)), true, (_d: Date, i: number) => i < max).map((d: Date) => fmt(d.getTime(), isDate));
};
const temporal: Lib = (v, zone, max) => {
  const isDate = v.dtstart.length === 8;
  const r = new RRuleTemporal({ rruleString: `DTSTART;TZID=${zone ?? 'UTC'}:${full(v.dtstart)}\nRRULE:${v.rrule}` });
  return r.between(new Date(toMs(v.dtstart) - 86_400_000), new Date(boundOf(v)), true).slice(0, max).map((d: any) => { const p = d.toPlainDateTime(); return fmt(Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second), isDate); });
};
const icaljs: Lib = (v, zone, max) => {
  const isDate = v.dtstart.length === 8;
  const recur = ICAL.Recur.fromString(v.rrule);
  const t = ICAL.Time.fromString(isDate ? `${v.dtstart.slice(0, 4)}-${v.dtstart.slice(4, 6)}-${v.dtstart.slice(6, 8)}` : `${v.dtstart.slice(0, 4)}-${v.dtstart.slice(4, 6)}-${v.dtstart.slice(6, 8)}T${v.dtstart.slice(9, 11)}:${v.dtstart.slice(11, 13)}:${v.dtstart.slice(13, 15)}`);
  if (zone && recur.until && recur.until.zone === ICAL.Timezone.utcTimezone) {
    const u = recur.until; const local = DateTime.fromMillis(Date.UTC(u.year, u.month - 1, u.day, u.hour, u.minute, u.second), { zone });
    recur.until = ICAL.Time.fromData({ year: local.year, month: local.month, day: local.day, hour: local.hour, minute: local.minute, second: local.second, isDate: false });
  }
  const it = recur.iterator(t); const out: string[] = []; let n; let guard = 0;
  // ical.js can search forever inside one next() (unsatisfiable rules): count its inner steps.
  const g = it as any; const check = g.check_contracting_rules?.bind(it); let steps = 0;
  if (check) g.check_contracting_rules = () => { if (++steps > 200_000) throw new Error('ical.js step guard'); return check(); };
  const bound = boundOf(v);
  while (out.length < max && guard++ < 20000 && (n = it.next()) && Date.UTC(n.year, n.month - 1, n.day) <= bound) out.push(fmt(Date.UTC(n.year, n.month - 1, n.day, n.hour, n.minute, n.second), isDate));
  return out;
};

const libs: Record<string, Lib> = Object.fromEntries(Object.entries({ engine, rrule: rrulejs, 'rrule-temporal': temporal, 'ical.js': icaljs }).filter(([name]) => name === 'engine' || (name === 'rrule' ? RRule : name === 'rrule-temporal' ? RRuleTemporal : ICAL)));
const results: Record<string, Record<string, { pass: number; fail: string[] }>> = {};
for (const file of process.env.SPEED_ONLY ? [] : files) {
  const data = JSON.parse(readFileSync(dir + file, 'utf8'));
  for (const [name, lib] of Object.entries(libs)) {
    const r = ((results[name] ??= {})[file] = { pass: 0, fail: [] as string[] });
    const t0 = performance.now();
    for (const v of data.vectors as V[]) {
      // Rules that never match: the libraries without a work bound would search the whole span.
      if (name !== 'engine' && v.expected.length === 0) { (r as any).skipped = ((r as any).skipped ?? 0) + 1; continue; }
      const max = v.limit ?? CAP;
      let got: string[];
      try { got = lib(v, data.zone, max + 1); } catch (e) { got = [`<throws ${(e as Error).message.slice(0, 40)}>`]; }
      // Conventions, not errors: a library that lists DTSTART when the vector does not (or the reverse).
      const want = v.dtstartIncluded ? v.expected.slice(1) : v.expected;
      let cmp = got;
      if (cmp[0] === v.dtstart && want[0] !== v.dtstart) cmp = cmp.slice(1);
      if (v.limit) cmp = cmp.slice(0, v.limit);
      const wantCmp = v.dtstartIncluded && cmp[0] === v.dtstart ? v.expected : want;
      if (JSON.stringify(cmp) === JSON.stringify(wantCmp.slice(0, v.limit ?? wantCmp.length)) && (v.limit || cmp.length === wantCmp.length)) r.pass++;
      else r.fail.push(v.name);
    }
    console.error(name, file, `${(performance.now() - t0).toFixed(0)} ms`);
  }
}
for (const [name, byFile] of Object.entries(results)) {
  console.log(name, Object.entries(byFile).map(([f, r]) => `${f}: ${r.pass}/${r.pass + r.fail.length}${(r as any).skipped ? ` (+${(r as any).skipped} never-matching not run)` : ''}`).join('  '));
  for (const [f, r] of Object.entries(byFile)) if (r.fail.length) console.log('   ', f, 'fails:', r.fail.slice(0, 12).join(' | '));
}

// Speed: a synthetic feed's rules expanded over a one-year window.
const RULES = ['FREQ=DAILY', 'FREQ=WEEKLY;BYDAY=MO,WE,FR', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU', 'FREQ=MONTHLY;BYDAY=-1FR', 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1', 'FREQ=YEARLY;BYMONTH=11;BYDAY=4TH', 'FREQ=MONTHLY;BYMONTHDAY=15'];
const windowStart = Date.UTC(2026, 5, 1), windowEnd = Date.UTC(2027, 5, 1);
function speed(name: string, run: (rule: string, start: number) => number, startYear: number, n: number): string {
  let count = 0; const t0 = performance.now();
  for (let i = 0; i < n; i++) count += run(RULES[i % RULES.length]!, Date.UTC(startYear, 0, 5 + (i % 28), 9));
  const ms = performance.now() - t0;
  return `${name}: ${n} series from ${startYear}, ${count} instances, ${ms.toFixed(0)} ms (${(ms * 1000 / count).toFixed(2)} µs/instance)`;
}
const runners: Record<string, (rule: string, start: number) => number> = {
  engine: (rule, start) => { const p = parseRRule(rule); if (!p.ok) return 0; let c = 0; expandRule(p.rule, { local: start, isDate: false }, { toUtc: (l) => l, skipBefore: windowStart, stopAfter: windowEnd, budget: { steps: 1e9 }, dtstartCounts: true }, (l) => { if (l >= windowStart) c++; return true; }); return c; },
  rrule: (rule, start) => RRule.fromString(`DTSTART:${fmt(start, false)}Z\nRRULE:${rule}`).between(new Date(windowStart), new Date(windowEnd), true).length,
  'rrule-temporal': (rule, start) => new RRuleTemporal({ rruleString: `DTSTART;TZID=UTC:${fmt(start, false)}\nRRULE:${rule}`, cache: false }).between(new Date(windowStart), new Date(windowEnd), true).length,
  'ical.js': (rule, start) => { const it = ICAL.Recur.fromString(rule).iterator(ICAL.Time.fromJSDate(new Date(start), true)); let c = 0; const g = it as any; const check = g.check_contracting_rules?.bind(it); let steps = 0; if (check) g.check_contracting_rules = () => { if (++steps > 2_000_000) throw new Error('guard'); return check(); }; let n; let gg = 0; while (gg++ < 1e6 && (n = it.next())) { const t = n.toJSDate().getTime(); if (t >= windowEnd) break; if (t >= windowStart) c++; } return c; },
};
for (const startYear of [2026, 1990]) for (const [name, run] of Object.entries(runners).filter(([name]) => name in libs)) {
  const n = startYear === 2026 ? 700 : 140;
  speed(name, run, startYear, name === 'ical.js' ? 70 : n); // warm-up
  const runs = [0, 1, 2].map(() => speed(name, run, startYear, name === 'ical.js' && startYear === 1990 ? 35 : n));
  console.log(runs.join('\n'));
}

// The engine's steps per series of each shape over the same window.
for (const rule of RULES) {
  const parsed = parseRRule(rule);
  if (!parsed.ok) continue;
  const outcome = expandRule(parsed.rule, { local: Date.UTC(2026, 0, 5, 9), isDate: false }, { toUtc: (l) => l, skipBefore: windowStart, stopAfter: windowEnd, budget: { steps: 1e9 }, dtstartCounts: true }, () => true);
  console.log(`engine steps, one series, one-year window: ${rule}: ${outcome.steps}`);
}
