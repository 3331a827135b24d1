import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { isUnmeetError } from '../domain/errors';
import { summariseIcsWarnings, type IcsWarningFacts } from '../domain/ics-warnings';
import type { CalendarEvent, Member } from '../domain/types';
import { assertTimeZone, normalizeWorkingHours } from '../domain/working-hours';
import { parseIcs } from '../providers/ics/ics.mapper';
import type { z } from 'zod';
import { teamFile, type TeamFile } from '../schemas';

/** A CLI input problem, already phrased as `file:line: message`. */
export class InputError extends Error {}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** The path as people typed it: relative to where they are. */
export const shownPath = (path: string) => relative(process.cwd(), path) || path;

/** Reads a text file, or fails with `file: cannot read the file`. */
async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new InputError(`${shownPath(path)}: cannot read the file`);
  }
}

/**
 * Reads a JSON file and validates it with `schema`; a complaint names the file and, where it
 * can be found, the line (of the JSON syntax error, or of the offending key).
 */
export async function readJsonFile<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  const shown = shownPath(path);
  const text = await readText(path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec(String(error))?.[1];
    const where = position ? `:${lineOf(text, Number(position))}` : '';
    throw new InputError(`${shown}${where}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.at(-1);
    const at = typeof key === 'string' ? text.indexOf(`"${key}"`) : -1;
    throw new InputError(`${shown}${at >= 0 ? `:${lineOf(text, at)}` : ''}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Reads and validates team.json; every complaint names the file and, where known, the line. */
export async function readTeamFile(path: string): Promise<TeamFile> {
  const shown = shownPath(path);
  const team = await readJsonFile(path, teamFile);
  for (const [i, m] of team.members.entries()) {
    try {
      assertTimeZone(m.timeZone);
      normalizeWorkingHours(m.workingHours);
    } catch (error) {
      if (isUnmeetError(error)) throw new InputError(`${shown}: members.${i} (${m.email}): ${error.message}`);
      throw error;
    }
  }
  return team;
}

export const toMember = (m: TeamFile['members'][number]): Member => ({
  email: m.email,
  name: m.name,
  timeZone: m.timeZone,
  locale: m.locale,
  workingHours: normalizeWorkingHours(m.workingHours),
});

/** Reads an ICS file and parses it (floating times in the owner's zone), naming file:line on failure. */
export async function readIcsFile(path: string, window: { start: number; end: number }, timeZone: string): Promise<CalendarEvent[]> {
  return parseIcsNamed(await readText(path), shownPath(path), window, timeZone);
}

export function parseIcsNamed(text: string, shown: string, window: { start: number; end: number }, timeZone: string): CalendarEvent[] {
  try {
    const parsed = parseIcs(text, window, { defaultTimeZone: timeZone });
    printImportWarnings(shown, parsed);
    return parsed.events;
  } catch (error) {
    if (isUnmeetError(error)) {
      const line = error.details?.line;
      throw new InputError(`${shown}${typeof line === 'number' ? `:${line}` : ''}: ${error.message}`);
    }
    throw error;
  }
}

/**
 * What an import left out or repaired, on stderr (stdout stays the command's output, JSON
 * included): one line per kind, e.g. `ayu.ics: 2 repeat rules ignored: line 120, RRULE has no value`.
 */
export function printImportWarnings(shown: string, parsed: { warnings: IcsWarningFacts[]; warningCounts: Partial<Record<string, number>> }): void {
  for (const sentence of summariseIcsWarnings(parsed.warningCounts, parsed.warnings, 'en')) console.error(`${shown}: ${sentence}`);
}

export const resolveFrom = (teamPath: string, file: string) => resolve(dirname(teamPath), file);

