/**
 * `unmeet flags --team team.json [--from --to] [--json]`: the flag rubric offline, on the ICS
 * files (or URLs) of a team file, like `unmeet audit`. No database, no server.
 */
import { lookup } from 'node:dns/promises';
import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import { loadConfig } from '../config';
import { flagMeetings, toFlagJson, type SeriesFlag } from '../domain/meeting-flags';
import type { CalendarEvent } from '../domain/types';
import { parseDateRange } from '../domain/working-hours';
import { fetchIcs } from '../providers/ics/ics.fetch';
import { InputError, parseIcsNamed, readIcsFile, readTeamFile, resolveFrom, toMember } from './team-file';

const DAY = 86_400_000;

export interface FlagsReport {
  range: { from: string; to: string };
  currency: string;
  series: Array<ReturnType<typeof toFlagJson>>;
}

/** Flags for a team file over local dates `from` ≤ day < `to` (default: the 28 days before today). */
export async function flagsFromTeamFile(teamArg: string | undefined, range: { from?: string | undefined; to?: string | undefined }): Promise<FlagsReport> {
  if (!teamArg) throw new InputError('flags needs --team team.json');
  const to = range.to ?? DateTime.utc().toISODate()!;
  const from = range.from ?? DateTime.fromISO(to, { zone: 'utc' }).minus({ days: 28 }).toISODate()!;
  parseDateRange(from, to);
  const window = { start: Date.parse(`${from}T00:00:00Z`) - 2 * DAY, end: Date.parse(`${to}T00:00:00Z`) + 2 * DAY };
  const teamPath = resolve(teamArg);
  const team = await readTeamFile(teamPath);
  const events: CalendarEvent[] = [];
  for (const m of team.members) {
    for (const cal of m.calendars) {
      if ('ics' in cal) events.push(...(await readIcsFile(resolveFrom(teamPath, cal.ics), window, m.timeZone)));
      else {
        const config = loadConfig(process.env);
        const fetchDeps = {
          fetch: globalThis.fetch,
          resolveHost: async (host: string) => (await lookup(host, { all: true })).map((a) => a.address),
          allowPrivate: config.allowPrivateUrls,
        };
        events.push(...parseIcsNamed(await fetchIcs(cal.url, fetchDeps), cal.url, window, m.timeZone));
      }
    }
  }
  const flags = flagMeetings({ members: team.members.map(toMember), events, range: { from, to }, hourlyRate: team.workspace.hourlyRate ?? 0 });
  return { range: { from, to }, currency: team.workspace.currency ?? 'USD', series: flags.map(toFlagJson) };
}

/** The report as a readable list: flagged series first, each with its reasons. */
export function formatFlags(report: FlagsReport): string {
  const flagged = report.series.filter((s) => s.verdict !== 'keep');
  const out = [`Meetings that could be a written update, ${report.range.from} to ${report.range.to}: ${flagged.length} of ${report.series.length} series flagged`, ''];
  const money = (s: Pick<SeriesFlag, 'cost'>) => (s.cost.moneyPerYear !== null ? `, ${report.currency} ${Math.round(s.cost.moneyPerYear).toLocaleString('en-US')}/year` : '');
  for (const s of report.series) {
    out.push(`${String(s.score).padStart(3)}  ${s.verdict.padEnd(14)} ${s.title}${s.organizer ? ` (${s.organizer})` : ''}`);
    out.push(`     ${s.attendeeCount} people × ${s.durationMinutes} min, ${s.occurrences} occurrence${s.occurrences === 1 ? '' : 's'}; ${s.cost.personHoursPerYear} person-hours/year${money(s)}${s.suggestedFormat ? `; try: ${s.suggestedFormat}` : ''}`);
    for (const r of s.reasons) out.push(`     ${(r.points > 0 ? `+${r.points}` : String(r.points)).padStart(4)}  ${r.detail}`);
    out.push('');
  }
  return out.join('\n');
}
