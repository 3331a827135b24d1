/**
 * The sample team in examples/ is what a new user sees first (README, `unmeet demo`, the
 * dashboard screenshot), so its story is pinned here through the real code: the ICS parser, the
 * audit, the health thresholds, the flag rubric and the rotation solver. If a change to the
 * generator or to those rules makes the sample stop showing a distributed team in trouble,
 * these fail.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flagsFromTeamFile } from '../../src/cli/flags';
import { readTeamFile, toMember } from '../../src/cli/team-file';
import { auditTeam } from '../../src/domain/audit';
import { isAwayBlock } from '../../src/domain/away';
import { HEALTH_THRESHOLDS, pastThresholds, type HealthCode } from '../../src/domain/team-health';
import { planRotation } from '../../src/domain/rotation';
import { normalizeWorkingHours } from '../../src/domain/working-hours';
import { parseIcs } from '../../src/providers/ics/ics.mapper';
import type { CalendarEvent } from '../../src/domain/types';

const EXAMPLES = resolve(__dirname, '../../examples');
const TEAM = join(EXAMPLES, 'team.json');
const FROM = '2026-11-02';
const TO = '2026-11-30';
const DAY = 86_400_000;
const WINDOW = { start: Date.parse(`${FROM}T00:00:00Z`) - 2 * DAY, end: Date.parse(`${TO}T00:00:00Z`) + 2 * DAY };

async function loadTeam() {
  const team = await readTeamFile(TEAM);
  return Promise.all(
    team.members.map(async (m) => {
      const events: CalendarEvent[] = [];
      const warnings: unknown[] = [];
      for (const cal of m.calendars) {
        if (!('ics' in cal)) throw new Error('the sample team holds ICS files only');
        const parsed = parseIcs(readFileSync(join(EXAMPLES, cal.ics), 'utf8'), WINDOW, { defaultTimeZone: m.timeZone });
        events.push(...parsed.events);
        warnings.push(...parsed.warnings);
      }
      return { member: toMember(m), events, warnings };
    }),
  );
}


/** For each person, the health thresholds their average week of the four is past. */
export async function peoplePastThresholds(): Promise<Map<string, Set<HealthCode>>> {
  const report = auditTeam({ range: { from: FROM, to: TO }, members: await loadTeam() });
  return new Map(report.members.map((m) => [m.email, new Set(pastThresholds(m.perWeek))]));
}

describe('the sample team (examples/)', () => {
  it('when every member\'s export is parsed, then it parses with no warnings', async () => {
    const members = await loadTeam();
    expect(members).toHaveLength(7);
    for (const m of members) {
      expect(m.warnings, m.member.email).toEqual([]);
      expect(m.events.length, m.member.email).toBeGreaterThan(0);
    }
  });

  it('when the four weeks are audited, then the team spends 30–50 % of its working time in meetings', async () => {
    const report = auditTeam({ range: { from: FROM, to: TO }, members: await loadTeam() });
    expect(report.team.metrics.meetingShare).toBeGreaterThanOrEqual(0.3);
    expect(report.team.metrics.meetingShare).toBeLessThanOrEqual(0.5);
  });

  it('when the average week is checked against the health thresholds, then some people, never all, are past each one', async () => {
    const past = await peoplePastThresholds();
    for (const threshold of HEALTH_THRESHOLDS) {
      const who = [...past].filter(([, codes]) => codes.has(threshold.code)).map(([email]) => email);
      expect(who.length, `${threshold.code}: ${who.join(', ')}`).toBeGreaterThanOrEqual(1);
      expect(who.length, `${threshold.code}: ${who.join(', ')}`).toBeLessThan(past.size - 1);
    }
    // Someone stays healthy: the thresholds separate people rather than flag everyone.
    expect([...past.values()].filter((codes) => codes.size === 0).length).toBeGreaterThanOrEqual(1);
  });

  it('when the flag rubric reads the series, then the weekly status sync is the top written-update candidate with the convert verdict', async () => {
    const report = await flagsFromTeamFile(TEAM, { from: FROM, to: TO });
    const top = report.series[0]!;
    expect(top.title).toBe('Weekly status sync');
    expect(top.verdict).toBe('async');
    expect(top.suggestedFormat).toBe('written-update');
    // Collaborative series stay: the rubric does not flag everything.
    expect(report.series.filter((s) => s.verdict === 'keep').length).toBeGreaterThanOrEqual(3);
  });

  it('when leave is in the calendars, then the audit takes the away days out of working time', async () => {
    const members = await loadTeam();
    const away = members.flatMap((m) => m.events.filter((e) => isAwayBlock(e)).map((e) => `${m.member.email} ${e.title}`));
    expect(away).toEqual(expect.arrayContaining([expect.stringMatching(/^ayu@.* Cuti$/), expect.stringMatching(/^budi@.* Izin/), expect.stringMatching(/^jack@.* OOO$/)]));
    // Budi's afternoon off is Outlook's OOF marker on a timed event, not an all-day title.
    expect(members.find((m) => m.member.email.startsWith('budi'))!.events.some((e) => e.away === true)).toBe(true);
    const report = auditTeam({ range: { from: FROM, to: TO }, members });
    const jack = report.members.find((m) => m.email.startsWith('jack'))!;
    expect(jack.metrics.awayHours).toBeGreaterThanOrEqual(15);
  });

  it('when the sample rotation spans Jakarta, Berlin and San Francisco, then no fixed slot is as fair as the rotation', () => {
    const input = JSON.parse(readFileSync(join(EXAMPLES, 'rotation.json'), 'utf8'));
    const zones = new Set(input.participants.map((p: { timeZone: string }) => p.timeZone));
    expect(zones).toEqual(new Set(['Asia/Jakarta', 'Europe/Berlin', 'America/Los_Angeles']));
    const participants = input.participants.map((p: { email: string; timeZone: string; workingHours?: unknown; history?: number }) => ({
      ...p,
      workingHours: normalizeWorkingHours(p.workingHours as never),
      history: p.history ?? 0,
      busy: [],
    }));
    const rotating = planRotation({ ...input, participants });
    const worst = (plan: typeof rotating) => Math.max(...plan.ledger.map((l) => l.seriesPain));
    // Every fixed weekly start on the grid: the best of them still leaves someone carrying more.
    let bestFixed = Number.POSITIVE_INFINITY;
    for (let minute = 0; minute < 24 * 60; minute += input.gridMinutes) {
      const start = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
      const end = `${String(Math.floor((minute + input.durationMinutes) / 60) % 24).padStart(2, '0')}:${String((minute + input.durationMinutes) % 60).padStart(2, '0')}`;
      const fixed = planRotation({ ...input, participants, allowedUtcWindows: [{ start, end }] });
      if (fixed.occurrences.length === input.occurrences && new Set(fixed.occurrences.map((o) => o.start.slice(11, 16))).size === 1) bestFixed = Math.min(bestFixed, worst(fixed));
    }
    expect(Number.isFinite(bestFixed)).toBe(true);
    expect(new Set(rotating.occurrences.map((o) => o.start.slice(11, 16))).size).toBeGreaterThan(1);
    expect(worst(rotating)).toBeLessThan(bestFixed);
  });
});

