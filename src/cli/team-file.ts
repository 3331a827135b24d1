import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { isUnmeetError } from '../domain/errors';
import type { CalendarEvent, Member } from '../domain/types';
import { assertTimeZone, normalizeWorkingHours } from '../domain/working-hours';
import { parseIcs } from '../providers/ics/ics.mapper';
import { teamFile, type TeamFile } from '../schemas';

/** A CLI input problem, already phrased as `file:line: message`. */
export class InputError extends Error {}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** Reads and validates team.json; every complaint names the file and, where known, the line. */
export async function readTeamFile(path: string): Promise<TeamFile> {
  const shown = relative(process.cwd(), path) || path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InputError(`${shown}: cannot read the file`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec(String(error))?.[1];
    const where = position ? `:${lineOf(text, Number(position))}` : '';
    throw new InputError(`${shown}${where}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = teamFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join('.');
    // Point at the line of the offending key when it appears in the text.
    const key = issue.path.at(-1);
    const at = typeof key === 'string' ? text.indexOf(`"${key}"`) : -1;
    throw new InputError(`${shown}${at >= 0 ? `:${lineOf(text, at)}` : ''}: ${path}: ${issue.message}`);
  }
  for (const [i, m] of parsed.data.members.entries()) {
    try {
      assertTimeZone(m.timeZone);
      normalizeWorkingHours(m.workingHours);
    } catch (error) {
      if (isUnmeetError(error)) throw new InputError(`${shown}: members.${i} (${m.email}): ${error.message}`);
      throw error;
    }
  }
  return parsed.data;
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
  const shown = relative(process.cwd(), path) || path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InputError(`${shown}: cannot read the file`);
  }
  return parseIcsNamed(text, shown, window, timeZone);
}

export function parseIcsNamed(text: string, shown: string, window: { start: number; end: number }, timeZone: string): CalendarEvent[] {
  try {
    return parseIcs(text, window, { defaultTimeZone: timeZone }).events;
  } catch (error) {
    if (isUnmeetError(error)) {
      const line = error.details?.line;
      throw new InputError(`${shown}${typeof line === 'number' ? `:${line}` : ''}: ${error.message}`);
    }
    throw error;
  }
}

export const resolveFrom = (teamPath: string, file: string) => resolve(dirname(teamPath), file);

