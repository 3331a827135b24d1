import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'unmeet-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function unmeet(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/unmeet.js', ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the unmeet CLI', () => {
  it('when auditing the sample team with --json, then it prints the contract shape without a server or database', async () => {
    const res = await unmeet(['audit', '--team', 'examples/team.json', '--from', '2026-11-02', '--to', '2026-11-30', '--json'], { UNMEET_DB: join(dir, 'never.db') });
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report.range).toEqual({ from: '2026-11-02', to: '2026-11-30', days: 28 });
    expect(report.members).toHaveLength(7);
    for (const m of report.members) {
      expect(Object.keys(m)).toEqual(['email', 'timeZone', 'metrics', 'perWeek']);
      for (const key of ['meetingHours', 'afterHoursMeetingHours', 'nonWorkingDayMeetingHours', 'workingTimeHours', 'meetingShare', 'focusHours', 'fragmentedHours', 'backToBackChains', 'recurringMeetingHours']) {
        expect(typeof m.metrics[key]).toBe('number');
        expect(typeof m.perWeek[key]).toBe('number');
      }
    }
    expect(report.team.topSeries[0]).toEqual(expect.objectContaining({ seriesKey: expect.any(String), title: expect.any(String), personHours: expect.any(Number) }));
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(dir, 'never.db'))).toBe(false);
  });

  it('when a calendar file is malformed, then the message names the file and line and the exit code is non-zero', async () => {
    const ics = join(dir, 'bad.ics');
    writeFileSync(ics, 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:nonsense\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n');
    const res = await unmeet(['audit', '--ics', ics, '--tz', 'Europe/Berlin', '--from', '2026-11-02', '--to', '2026-11-09']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/bad\.ics:5: /);
  });

  it('when the team file has an unknown zone or invalid JSON, then the message names the file', async () => {
    const team = join(dir, 'team.json');
    writeFileSync(team, JSON.stringify({ workspace: { name: 'X' }, members: [{ email: 'a@example.com', name: 'A', timeZone: 'Mars/Base', calendars: [] }] }, null, 2));
    const zone = await unmeet(['audit', '--team', team]);
    expect(zone.code).not.toBe(0);
    expect(zone.stderr).toContain('team.json');
    expect(zone.stderr).toContain('Mars/Base');
    writeFileSync(team, '{\n  "workspace": {\n    "name": "X",\n  }\n}');
    const json = await unmeet(['audit', '--team', team]);
    expect(json.stderr).toMatch(/team\.json:\d+: not valid JSON/);
  });

  it('when one calendar is audited with --ics and --tz, then it prints a readable table', async () => {
    const res = await unmeet(['audit', '--ics', 'examples/ayu.ics', '--tz', 'Asia/Jakarta', '--email', 'ayu@example.com', '--from', '2026-11-02', '--to', '2026-11-30']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('ayu@example.com');
    expect(res.stdout).toContain('meetings h');
  });

  it('when a workspace is created and the demo loaded, then keys are printed once and the data is there', async () => {
    const env = { UNMEET_DB: join(dir, 'demo.db') };
    const created = await unmeet(['workspace', 'create', '--name', 'Solo'], env);
    expect(created.stdout).toMatch(/API key \(shown once\): um_\w+/);
    const demo = await unmeet(['demo'], env);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/with 7 members/);
    expect(demo.stdout).toContain('/docs');
  });
});
