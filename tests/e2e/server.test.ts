import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { E2E_ADMIN_TOKEN } from './process';

const dir = mkdtempSync(join(tmpdir(), 'unmeet-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(): { child: ChildProcess; output: () => string; url: Promise<string> } {
  const child = spawn(process.execPath, ['bin/unmeet.js', 'serve'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', UNMEET_DB: join(dir, 'unmeet.db'), UNMEET_LOG_LEVEL: 'warn', UNMEET_ADMIN_TOKEN: E2E_ADMIN_TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return { child, output: () => out, url };
}

/** The setup link the server prints after it starts listening (waits for it to appear). */
async function setupLink(output: () => string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const match = /(http:\/\/\S+\/auth\/setup\/uml_[0-9a-z]{40})/.exec(output());
    if (match) return match[1]!;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`no setup link in: ${output()}`);
}

const exited = (child: ChildProcess) => new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

describe('the real server process', () => {
  it('when started on an empty database, then it serves HTTP, prints next steps and a setup link, and stops cleanly on SIGTERM', async () => {
    const server = start();
    const url = await server.url;
    expect(server.output()).toContain('No workspace yet');
    const setup = await setupLink(server.output);
    expect(setup.startsWith(`${url}/auth/setup/`)).toBe(true);
    const page = await fetch(setup, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Set up unmeet');
    expect(existsSync(join(dir, 'unmeet.db'))).toBe(true);

    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, checks: { database: true, migrations: true, jobs: true } });
    const created = await fetch(`${url}/v1/workspaces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${E2E_ADMIN_TOKEN}` },
      body: JSON.stringify({ name: 'E2E' }),
    });
    expect(created.status).toBe(201);
    const { apiKey } = (await created.json()) as { apiKey: string };
    const members = await fetch(`${url}/v1/members`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(await members.json()).toEqual({ members: [] });

    const done = exited(server.child);
    server.child.kill('SIGTERM');
    expect(await done).toBe(0);

    // Restarting on the same file keeps the workspace (migrations are idempotent).
    const again = start();
    const url2 = await again.url;
    expect(again.output()).not.toContain('No workspace yet');
    // No workspace has an owner yet (the one above came from the admin token): a new setup link.
    expect(await setupLink(again.output)).not.toBe(setup);
    const still = await fetch(`${url2}/v1/workspace`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(still.status).toBe(200);
    const done2 = exited(again.child);
    again.child.kill('SIGINT');
    expect(await done2).toBe(0);
  }, 60_000);
});
