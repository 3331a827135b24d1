/**
 * `unmeet focus plan --team team.json [--from --to] [--json]`: the focus planner offline, on the
 * ICS files (or URLs) of a team file. No database, no server, nothing written anywhere. The
 * policy is the built-in defaults, then `workspace.focus`, then each member's `focus`.
 */
import { lookup } from 'node:dns/promises';
import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import { loadConfig } from '../config';
import { awayIntervals } from '../domain/away';
import { focusBusy, planFocus, resolveFocusPolicy, type FocusPolicy } from '../domain/focus-planner';
import type { CalendarEvent } from '../domain/types';
import { parseDateRange } from '../domain/working-hours';
import { fetchIcs } from '../providers/ics/ics.fetch';
import { InputError, parseIcsNamed, readIcsFile, readTeamFile, resolveFrom, toMember } from './team-file';

const DAY = 86_400_000;

export interface FocusPlanReport {
  members: Array<{
    email: string;
    targetHours: number;
    achievableHours: number;
    plannedHours: number;
    blocks: Array<{ start: string; end: string }>;
    missedReason: string | null;
  }>;
}

/** The plan for every member of a team file; the range defaults to today + the policy's planning horizon. */
export async function focusPlanFromTeamFile(
  teamArg: string | undefined,
  range: { from?: string | undefined; to?: string | undefined },
  today = DateTime.utc().toISODate()!,
): Promise<FocusPlanReport> {
  if (!teamArg) throw new InputError('focus plan needs --team team.json');
  const teamPath = resolve(teamArg);
  const team = await readTeamFile(teamPath);
  const workspacePolicy = resolveFocusPolicy(team.workspace.focus as Partial<FocusPolicy> | undefined);
  const from = range.from ?? today;
  const to = range.to ?? DateTime.fromISO(from, { zone: 'utc' }).plus({ days: workspacePolicy.planAheadDays }).toISODate()!;
  parseDateRange(from, to);
  const window = { start: Date.parse(`${from}T00:00:00Z`) - 2 * DAY, end: Date.parse(`${to}T00:00:00Z`) + 2 * DAY };
  const members = [];
  for (const m of team.members) {
    const events: CalendarEvent[] = [];
    for (const cal of m.calendars) {
      if ('ics' in cal) events.push(...(await readIcsFile(resolveFrom(teamPath, cal.ics), window, m.timeZone)));
      else {
        const fetchDeps = {
          fetch: globalThis.fetch,
          resolveHost: async (host: string) => (await lookup(host, { all: true })).map((a) => a.address),
          allowPrivate: loadConfig(process.env).allowPrivateUrls,
        };
        events.push(...parseIcsNamed(await fetchIcs(cal.url, fetchDeps), cal.url, window, m.timeZone));
      }
    }
    const member = toMember(m);
    const plan = planFocus({
      timeZone: member.timeZone,
      workingHours: member.workingHours,
      policy: resolveFocusPolicy(workspacePolicy, m.focus as Partial<FocusPolicy> | undefined),
      range: { from, to },
      busy: focusBusy(events, member.email.toLowerCase()),
      away: awayIntervals(events, member.email.toLowerCase()),
    });
    const at = (ms: number) => DateTime.fromMillis(ms, { zone: member.timeZone }).toISO({ suppressMilliseconds: true })!;
    members.push({
      email: member.email,
      targetHours: plan.targetHours,
      achievableHours: plan.achievableHours,
      plannedHours: plan.plannedHours,
      blocks: plan.blocks.map((b) => ({ start: at(b.start), end: at(b.end) })),
      missedReason: plan.missedReason,
    });
  }
  return { members };
}

/** The plan as text: per member, the figures and the blocks in their own zone. */
export function formatFocusPlan(report: FocusPlanReport): string {
  const out: string[] = [];
  for (const m of report.members) {
    out.push(`${m.email}: ${m.plannedHours} h planned of ${m.targetHours} h target (${m.achievableHours} h achievable)`);
    if (m.missedReason) out.push(`  missed: ${m.missedReason}`);
    for (const b of m.blocks) out.push(`  ${b.start.slice(0, 16).replace('T', ' ')} – ${b.end.slice(11, 16)}${b.start.slice(19)}`);
    out.push('');
  }
  return out.join('\n');
}

/** `unmeet focus <subcommand>`; only `plan` exists offline. */
export async function focusCommand(subcommand: string | undefined, values: { team?: string | undefined; from?: string | undefined; to?: string | undefined; json?: boolean | undefined }): Promise<string> {
  if (subcommand !== 'plan') throw new InputError('usage: unmeet focus plan --team team.json [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]');
  const report = await focusPlanFromTeamFile(values.team, { from: values.from, to: values.to });
  return values.json ? JSON.stringify(report, null, 2) : formatFocusPlan(report);
}
