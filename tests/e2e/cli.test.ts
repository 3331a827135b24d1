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
    // Only a file with no calendar in it is refused (a bad line inside one is skipped with a warning).
    writeFileSync(ics, 'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann\r\nEND:VCARD\r\n');
    const res = await unmeet(['audit', '--ics', ics, '--tz', 'Europe/Berlin', '--from', '2026-11-02', '--to', '2026-11-09']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/bad\.ics:1: /);
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

  it("when an operator lists, creates and revokes a workspace's keys, then the new key is printed once, lists show prefixes only, and the last key stays", async () => {
    const env = { UNMEET_DB: join(dir, 'keys.db') };
    const created = await unmeet(['workspace', 'create', '--name', 'Keys'], env);
    const workspaceId = /\((ws_\w+)\)/.exec(created.stdout)![1]!;
    const firstKey = /um_\w+/.exec(created.stdout)![0];
    const added = await unmeet(['workspace', 'keys', 'create', '--workspace', workspaceId, '--label', 'recovery', '--json'], env);
    expect(added.code).toBe(0);
    const { key, apiKey } = JSON.parse(added.stdout);
    expect(apiKey).toMatch(/^um_\w{40}$/);
    expect(key).toMatchObject({ prefix: apiKey.slice(0, 8), label: 'recovery', revokedAt: null });

    const list = await unmeet(['workspace', 'keys', '--workspace', workspaceId], env);
    expect(list.code).toBe(0);
    expect(list.stdout.trim().split('\n')).toHaveLength(2);
    expect(list.stdout).toContain(firstKey.slice(0, 8));
    expect(list.stdout).not.toContain(firstKey);
    expect(list.stdout).not.toContain(apiKey);

    const firstId = list.stdout.split(/\s+/).find((word) => word.startsWith('key_') && word !== key.id)!;
    const revoked = await unmeet(['workspace', 'keys', 'revoke', firstId, '--workspace', workspaceId], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Revoked key ${firstId}`);
    const last = await unmeet(['workspace', 'keys', 'revoke', key.id, '--workspace', workspaceId], env);
    expect(last.code).toBe(1);
    expect(last.stderr).toContain('(key.last_active)');
  });
});

describe('operations commands', () => {
  it('when the secret is rotated with the old one as previous, then every credential is re-sealed and opens with the new one alone', async () => {
    const db = join(dir, 'rotate.db');
    const OLD = 'old-secret-old-secret-old-secret-0001';
    const NEW = 'new-secret-new-secret-new-secret-0002';
    const { openSqlite } = await import('../../src/db/sqlite');
    const { createRepositories } = await import('../../src/db/repositories');
    const { createTokenVault } = await import('../../src/providers/token-vault');
    const { createWorkspace } = await import('../../src/services/workspaces');
    const handle = openSqlite(db);
    const repos = createRepositories({ db: handle.db });
    const old = await createTokenVault(OLD);
    const { workspace } = await createWorkspace({ repos }, { name: 'R' });
    const member = await repos.members.create(workspace.id, { email: 'a@example.com', name: 'A', timeZone: 'UTC', locale: 'en', workingHours: {} }, 0);
    for (const id of ['con_1', 'con_2']) {
      await repos.connections.create(workspace.id, { id, memberId: member.id, provider: 'ics', label: 'x', credentials: await old.seal(`{"url":"https://example.com/${id}.ics"}`, id) });
    }
    handle.close();

    const res = await unmeet(['rotate-secret'], { UNMEET_DB: db, UNMEET_SECRET: NEW, UNMEET_SECRET_PREVIOUS: OLD });
    expect(res.stdout).toContain('re-sealed 2 credentials');
    const again = await unmeet(['rotate-secret'], { UNMEET_DB: db, UNMEET_SECRET: NEW, UNMEET_SECRET_PREVIOUS: OLD });
    expect(again.stdout).toContain('re-sealed 0 credentials under the current secret (2 already current)');

    const check = openSqlite(db);
    const fresh = await createTokenVault(NEW);
    for (const row of await createRepositories({ db: check.db }).connections.listSealedForRotation()) {
      expect(await fresh.open(row.credentials!, row.id)).toContain(row.id);
    }
    check.close();
  });

  it('when a backup is taken from a live database, then the copy opens with the same data', async () => {
    const db = join(dir, 'live.db');
    await unmeet(['workspace', 'create', '--name', 'Backed up'], { UNMEET_DB: db });
    const copy = join(dir, 'copy.db');
    const res = await unmeet(['backup', copy], { UNMEET_DB: db });
    expect(res.code).toBe(0);
    const { openSqlite } = await import('../../src/db/sqlite');
    const handle = openSqlite(copy);
    const rows = (handle.db as any).$client.prepare('select name from workspaces').all();
    expect(rows).toEqual([{ name: 'Backed up' }]);
    handle.close();
  });
});
