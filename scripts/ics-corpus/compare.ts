/**
 * The ICS corpus comparison, shared by tests/providers/ics-corpus.test.ts and agreement.ts:
 * parse a corpus file with `parseIcs` over its golden's window, match the instances against the
 * golden by UID + original start and then by start/end, and sort the differences into those the
 * allow-list explains and those it does not. See docs/ics-corpus.md.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CalendarEvent } from '../../src/domain/types';
import { parseIcs } from '../../src/providers/ics/ics.mapper';

export const corpusRoot = join(dirname(fileURLToPath(import.meta.url)), '../../tests/fixtures/ics-corpus');
const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(corpusRoot, path), 'utf8')) as T;

export interface ManifestEntry {
  file: string;
  /** The exporter that wrote the file, as its PRODID or origin says. */
  producer: string;
  /** The producer family the agreement figures are grouped by (Google, Outlook/Exchange, …). */
  family: string;
  source: { repo?: string; package?: string; path: string; commit?: string };
  licence: string;
  /** "none", or what was changed and why. */
  edits: string;
  window?: { start: string; end: string };
}

export interface Instance {
  uid: string;
  /** Original start (RECURRENCE-ID) as UTC ISO; null for a single event. */
  recurrenceId: string | null;
  start: string;
  end: string;
}

export interface Golden {
  file: string;
  window?: { start: string; end: string };
  instances?: Instance[];
  /** Why the golden tool could not read the file at all. */
  refused?: string;
  notes: string[];
}

/**
 * One reasoned exception. `instance` is a difference exactly as {@link differences} writes it,
 * or `uid:<UID>` for every difference of one series; `refused` covers a file one side refuses
 * (`because`, if given, must appear in the refusal). An entry with `knownBug` explains a
 * difference that is an unmeet bug: like every entry it must still match a difference, so the
 * fix makes the test fail until the entry is removed.
 */
export interface AllowEntry {
  file: string;
  instance?: string;
  refused?: 'unmeet' | 'golden';
  because?: string;
  knownBug?: string;
  reason: string;
}

export const loadManifest = (): ManifestEntry[] => readJson<{ files: ManifestEntry[] }>('MANIFEST.json').files;
export const loadAllowList = (): AllowEntry[] => readJson<{ entries: AllowEntry[] }>('allow-list.json').entries;
export const loadGolden = (file: string): Golden => readJson<Golden>(`golden/${file}.json`);

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/** unmeet's event in the golden's terms: its UID, original start, start and end. */
export function asInstance(event: CalendarEvent, goldenUids: Set<string>): Instance {
  let uid = event.seriesKey ?? event.externalId;
  // A further VEVENT with a master's UID is kept by unmeet as `uid#2`; the golden keeps both under the UID.
  const twin = /^(.*)#\d+$/.exec(uid);
  if (twin && !goldenUids.has(uid) && goldenUids.has(twin[1]!)) uid = twin[1]!;
  // A VEVENT without UID gets a synthetic one from unmeet; the golden lists it under ''.
  if (/^no-uid-[0-9a-f]+$/.test(uid) && goldenUids.has('')) uid = '';
  return { uid, recurrenceId: event.originalStart === null ? null : iso(event.originalStart), start: iso(event.start), end: iso(event.end) };
}

/** A golden instance as unmeet stores it: an end past the window is the window's end (never before the start). */
function endWithin(instance: Instance, windowEnd: number): Instance {
  if (Date.parse(instance.end) <= windowEnd) return instance;
  return { ...instance, end: iso(Math.max(Date.parse(instance.start), windowEnd)) };
}

const describeInstance = (i: Instance): string => `${i.uid} @ ${i.recurrenceId ?? 'single'} ${i.start}/${i.end}`;

/**
 * Differences between the golden and unmeet's instances as sorted lines: `missing <uid> @
 * <original start> <start>/<end>` (golden only) and `extra …` (unmeet only). Lists are compared
 * as multisets, so a duplicate counts; a moved instance shows as one of each under the same key.
 */
export function differences(golden: Instance[], actual: Instance[]): string[] {
  const left = new Map<string, number>();
  for (const i of golden) left.set(describeInstance(i), (left.get(describeInstance(i)) ?? 0) + 1);
  const extra: string[] = [];
  for (const i of actual) {
    const id = describeInstance(i);
    const n = left.get(id) ?? 0;
    if (n > 0) left.set(id, n - 1);
    else extra.push(`extra ${id}`);
  }
  const missing = [...left].flatMap(([id, n]) => Array.from({ length: n }, () => `missing ${id}`));
  return [...missing, ...extra].sort();
}

/** Whether an allow-list entry explains one difference line. */
export function explains(entry: AllowEntry, difference: string): boolean {
  if (entry.refused) {
    return difference.startsWith(`${entry.refused} refused: `) && (!entry.because || difference.includes(entry.because));
  }
  if (!entry.instance) return false;
  if (entry.instance.startsWith('uid:')) return difference.split(' ')[1] === entry.instance.slice(4);
  return difference === entry.instance;
}

export interface Outcome {
  /** Every difference, or the refusal as one line. */
  differences: string[];
  /** Differences no allow-list entry explains. */
  unexplained: string[];
  /** Differences explained by a `knownBug` entry: unmeet is wrong there. */
  bugs: string[];
  /** Allow-list entries of this file that explain no difference (a knownBug one: the bug is fixed). */
  stale: AllowEntry[];
  instances: number;
}

function outcome(diffs: string[], entries: AllowEntry[], instances: number): Outcome {
  return {
    differences: diffs,
    unexplained: diffs.filter((d) => !entries.some((a) => explains(a, d))),
    bugs: diffs.filter((d) => entries.some((a) => a.knownBug && explains(a, d))),
    stale: entries.filter((a) => !diffs.some((d) => explains(a, d))),
    instances,
  };
}

/** Parse one corpus file with parseIcs and compare it with its golden under the allow-list. */
export function check(entry: ManifestEntry, allowList: AllowEntry[]): Outcome {
  const golden = loadGolden(entry.file);
  const entries = allowList.filter((a) => a.file === entry.file);
  const expected = golden.instances ?? [];
  if (golden.refused || !golden.window) return outcome([`golden refused: ${golden.refused ?? 'no window'}`], entries, 0);
  const window = { start: Date.parse(golden.window.start), end: Date.parse(golden.window.end) };
  const text = readFileSync(join(corpusRoot, 'files', entry.file), 'utf8');
  let events: CalendarEvent[];
  try {
    events = parseIcs(text, window, { defaultTimeZone: 'UTC' }).events;
  } catch (error) {
    return outcome([`unmeet refused: ${error instanceof Error ? error.message : String(error)}`], entries, expected.length);
  }
  const uids = new Set(expected.map((i) => i.uid));
  return outcome(differences(expected.map((i) => endWithin(i, window.end)), events.map((e) => asInstance(e, uids))), entries, expected.length);
}
