import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/roles';
import { createRepositories } from '../../src/db/repositories';
import { openSqlite } from '../../src/db/sqlite';
import { createLinkSigner } from '../../src/providers/mail/signed-links';
import { createSmtpTransport } from '../../src/providers/mail/smtp.transport';
import { createTokenVault } from '../../src/providers/token-vault';
import { acceptInvitation, INVITATION_SENDS_PER_DAY, peekInvitation } from '../../src/services/invitations';
import { startSession } from '../../src/services/sessions';
import { createTestApp, newWorkspace } from '../helpers/app';

type T = Awaited<ReturnType<typeof createTestApp>>;
const DAY = 86_400_000;

/** A verified person with a role in the workspace and a live session cookie. */
async function person(t: T, workspaceId: string, role: Role, email: string, locale = 'en') {
  const p = await t.deps.repos.people.upsertVerified({ email, name: email.split('@')[0]!, locale, verifiedBy: 'link' });
  await t.deps.repos.people.join(workspaceId, p.id, role, null);
  const { token } = await startSession(t.deps, { workspaceId, personId: p.id });
  return { ...p, headers: { cookie: `um_session=${token}` } };
}

/** A verified person who belongs nowhere yet (someone about to accept an invitation). */
const stranger = (t: T, email: string) => t.deps.repos.people.upsertVerified({ email, name: 'Dana', locale: 'en', verifiedBy: 'google' });

const tokenOf = (link: string) => link.slice(link.lastIndexOf('/') + 1);

let t: T;
let key: string;
let workspaceId: string;
beforeEach(async () => {
  t = await createTestApp();
  const ws = await newWorkspace(t.api, 'Acme <b>&</b>');
  key = ws.apiKey;
  workspaceId = ws.workspace.id;
});
afterEach(() => t.close());

const invite = (emails: string | string[], role: Role = 'member', auth: { key?: string; headers?: Record<string, string> } = { key }) =>
  t.api('POST', '/v1/invitations', { ...auth, json: { emails, role } });

describe('inviting people', () => {
  it('when an admin invites one address without a mail transport, then the link is answered once, never listed, and opening it consumes nothing', async () => {
    const res = await invite('Dana@Example.com');
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const [outcome] = res.json.results;
    expect(outcome).toMatchObject({ email: 'dana@example.com', status: 'invited', delivery: 'link' });
    expect(outcome.link).toMatch(/^http:\/\/127\.0\.0\.1:8787\/invite\/umi_[0-9a-z]{43}$/);
    expect(Date.parse(outcome.expiresAt) - t.clock.now).toBe(7 * DAY);

    const list = await t.api('GET', '/v1/invitations', { key });
    expect(list.json.invitations).toEqual([expect.objectContaining({ email: 'dana@example.com', role: 'member', status: 'pending', sentCount: 1, invitedBy: expect.stringMatching(/^key:/) })]);
    expect(list.text).not.toContain(tokenOf(outcome.link));
    const stored = (t.deps.db as any).$client.prepare('select token_hash from invitations').get();
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);

    for (let i = 0; i < 3; i++) {
      const page = await t.app.request(`/invite/${tokenOf(outcome.link)}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('Acme &lt;b&gt;&amp;&lt;/b&gt;');
      expect(html).toContain('a member');
      expect(html).toContain(`/auth/google/start?invite=${tokenOf(outcome.link)}`);
      expect(html).toContain(`/auth/microsoft/start?invite=${tokenOf(outcome.link)}`);
      expect(html).toMatch(/action="\/auth\/email"/);
    }
    expect((await t.api('GET', '/v1/invitations', { key })).json.invitations[0].status).toBe('pending');
  });

  it('when a pasted list is invited, then each address says what happened: invited, duplicate, already a member or invalid', async () => {
    await person(t, workspaceId, 'member', 'budi@example.com');
    await invite('ayu@example.com');
    const res = await invite('ayu@example.com\nbudi@example.com, new@example.com;not-an-address\nNEW@example.com\n\n');
    expect(res.status).toBe(200);
    expect(res.json.results.map((r: any) => [r.email, r.status])).toEqual([
      ['ayu@example.com', 'duplicate'],
      ['budi@example.com', 'already_member'],
      ['new@example.com', 'invited'],
      ['not-an-address', 'invalid'],
      ['new@example.com', 'duplicate'],
    ]);
    expect(res.json.results[2].link).toContain('/invite/umi_');
    expect(res.json.results[0].link).toBeUndefined();
    expect((await t.api('GET', '/v1/invitations', { key })).json.invitations.map((i: any) => i.email).sort()).toEqual(['ayu@example.com', 'new@example.com']);
  });

  it('when one address is a duplicate, already a member or invalid, then the single invite is refused with a stable code and nothing is stored', async () => {
    await person(t, workspaceId, 'member', 'budi@example.com');
    await invite('ayu@example.com');
    const count = () => (t.deps.db as any).$client.prepare('select count(*) as n from invitations').get().n;
    const before = count();
    const duplicate = await invite('AYU@example.com');
    expect([duplicate.status, duplicate.json.code]).toEqual([409, 'invitation.duplicate']);
    expect(duplicate.headers.get('content-type')).toBe('application/problem+json');
    const member = await invite(['budi@example.com']);
    expect([member.status, member.json.code]).toEqual([409, 'invitation.already_member']);
    const invalid = await invite('nobody');
    expect([invalid.status, invalid.json.code]).toEqual([422, 'invitation.invalid_email']);
    const badRole = await t.api('POST', '/v1/invitations', { key, json: { emails: 'x@example.com', role: 'king' } });
    expect([badRole.status, badRole.json.code]).toEqual([422, 'request.invalid']);
    expect(count()).toBe(before);
  });

  it('when a workspace floods invitations, then the daily cap (resends included) refuses the excess and a list past it invites nobody', async () => {
    const first = await invite(Array.from({ length: INVITATION_SENDS_PER_DAY - 2 }, (_, i) => `p${i}@example.com`));
    expect(first.json.results.every((r: any) => r.status === 'invited')).toBe(true);
    const resent = await t.api('POST', `/v1/invitations/${first.json.results[0].invitationId}/resend`, { key });
    expect(resent.status).toBe(200);

    const over = await invite(['a@example.com', 'b@example.com']);
    expect([over.status, over.json.code]).toEqual([429, 'invitation.limit_reached']);
    expect((await t.api('GET', '/v1/invitations', { key })).json.invitations).toHaveLength(INVITATION_SENDS_PER_DAY - 2);

    expect((await invite('last@example.com')).status).toBe(201);
    const capped = await invite('one-more@example.com');
    expect([capped.status, capped.json.code]).toEqual([429, 'invitation.limit_reached']);
    const resendCapped = await t.api('POST', `/v1/invitations/${first.json.results[1].invitationId}/resend`, { key });
    expect(resendCapped.json.code).toBe('invitation.limit_reached');

    t.clock.now += DAY + 1;
    expect((await invite('one-more@example.com')).status).toBe(201);
  });

  it('when an invitation is resent, then the old link stops working, the new one works, and the expiry starts again', async () => {
    const { results } = (await invite('dana@example.com')).json;
    const oldToken = tokenOf(results[0].link);
    t.clock.now += 6 * DAY;
    const resent = await t.api('POST', `/v1/invitations/${results[0].invitationId}/resend`, { key });
    expect(resent.json).toMatchObject({ status: 'invited', delivery: 'link', invitationId: results[0].invitationId });
    expect(Date.parse(resent.json.expiresAt)).toBe(t.clock.now + 7 * DAY);
    const newToken = tokenOf(resent.json.link);
    expect(newToken).not.toBe(oldToken);

    await expect(peekInvitation(t.deps, oldToken)).rejects.toMatchObject({ code: 'invitation.invalid' });
    const oldPage = await t.app.request(`/invite/${oldToken}`);
    expect(oldPage.status).toBe(404);
    expect(await oldPage.text()).toContain('data-code="invitation.invalid"');

    t.clock.now += 2 * DAY; // past the first link's expiry, inside the new one's
    const dana = await stranger(t, 'dana@example.com');
    await expect(acceptInvitation(t.deps, oldToken, dana)).rejects.toMatchObject({ code: 'invitation.invalid' });
    expect(await acceptInvitation(t.deps, newToken, dana)).toEqual({ workspaceId });
    expect((await t.api('GET', '/v1/invitations', { key })).json.invitations[0]).toMatchObject({ sentCount: 2, status: 'accepted' });
  });

  it('when an invitation is revoked, then its link answers revoked everywhere and revoking again changes nothing', async () => {
    const { results } = (await invite('dana@example.com')).json;
    const token = tokenOf(results[0].link);
    const revoked = await t.api('DELETE', `/v1/invitations/${results[0].invitationId}`, { key });
    expect(revoked.json).toMatchObject({ revoked: true, invitation: { status: 'revoked' } });
    const again = await t.api('DELETE', `/v1/invitations/${results[0].invitationId}`, { key });
    expect(again.json.revoked).toBe(false);

    await expect(peekInvitation(t.deps, token)).rejects.toMatchObject({ code: 'invitation.revoked' });
    await expect(acceptInvitation(t.deps, token, await stranger(t, 'dana@example.com'))).rejects.toMatchObject({ code: 'invitation.revoked' });
    const page = await t.app.request(`/invite/${token}`);
    expect(page.status).toBe(410);
    const resend = await t.api('POST', `/v1/invitations/${results[0].invitationId}/resend`, { key });
    expect([resend.status, resend.json.code]).toEqual([410, 'invitation.revoked']);
    expect((await t.api('DELETE', '/v1/invitations/inv_nope', { key })).json.code).toBe('invitation.not_found');
    // A revoked invitation is not a duplicate: the address can be invited again.
    expect((await invite('dana@example.com')).status).toBe(201);
  });

  it('when the test clock passes 7 days, then the link has expired, and a forged or malformed link is invalid', async () => {
    const { results } = (await invite('dana@example.com')).json;
    const token = tokenOf(results[0].link);
    t.clock.now += 7 * DAY;
    await expect(peekInvitation(t.deps, token)).rejects.toMatchObject({ code: 'invitation.expired' });
    const dana = await stranger(t, 'dana@example.com');
    await expect(acceptInvitation(t.deps, token, dana)).rejects.toMatchObject({ code: 'invitation.expired' });
    expect((await t.app.request(`/invite/${token}`)).status).toBe(410);
    expect((await t.api('GET', '/v1/invitations', { key })).json.invitations[0].status).toBe('expired');

    const forged = `umi_${'a'.repeat(43)}`;
    await expect(peekInvitation(t.deps, forged)).rejects.toMatchObject({ code: 'invitation.invalid' });
    await expect(acceptInvitation(t.deps, 'garbage', dana)).rejects.toMatchObject({ code: 'invitation.invalid' });
    expect((await t.app.request('/invite/%3Cscript%3E')).status).toBe(404);
    expect(await t.deps.repos.people.membership(workspaceId, dana.id)).toBeUndefined();
  });
});

describe('accepting an invitation', () => {
  it('when the invited person accepts, then they join with the role, linked to a new member row following calendar settings, once, and it is logged', async () => {
    const owner = await person(t, workspaceId, 'owner', 'owner@example.com');
    const { results } = (await invite('Dana@Example.com', 'admin', { headers: owner.headers })).json;
    const token = tokenOf(results[0].link);
    expect(await peekInvitation(t.deps, token)).toMatchObject({ workspaceId, workspaceName: 'Acme <b>&</b>', email: 'dana@example.com', role: 'admin' });

    const dana = await stranger(t, 'DANA@example.com');
    expect(await acceptInvitation(t.deps, token, dana)).toEqual({ workspaceId });
    const membership = await t.deps.repos.people.membership(workspaceId, dana.id);
    expect(membership).toMatchObject({ role: 'admin', memberId: expect.any(String) });
    const member = await t.deps.repos.members.get(workspaceId, membership!.memberId!);
    expect(member).toMatchObject({ email: 'dana@example.com', timeZone: 'UTC', profileOverridden: false });

    await expect(acceptInvitation(t.deps, token, dana)).rejects.toMatchObject({ code: 'invitation.used' });
    expect((await t.app.request(`/invite/${token}`)).status).toBe(410);
    const log = await t.api('GET', '/v1/audit-log', { key });
    expect(log.json.entries.map((e: any) => e.action)).toEqual(['invitation.accept', 'invitation.create']);
    expect(log.json.entries[0]).toMatchObject({ actor: `person:${dana.id}`, target: results[0].invitationId, detail: { role: 'admin', memberCreated: true } });
  });

  it('when the workspace already audits the address, then accepting links that member row instead of making another', async () => {
    const member = await t.api('POST', '/v1/members', { key, json: { email: 'dana@example.com', name: 'Dana', timeZone: 'Asia/Jakarta' } });
    const { results } = (await invite('dana@example.com')).json;
    const dana = await stranger(t, 'dana@example.com');
    await acceptInvitation(t.deps, tokenOf(results[0].link), dana);
    expect((await t.deps.repos.people.membership(workspaceId, dana.id))!.memberId).toBe(member.json.id);
    expect((await t.api('GET', '/v1/members', { key })).json.members).toHaveLength(1);
  });

  it('when the verified address differs, then acceptance is refused, the address is shown to admins, and after approval it works', async () => {
    const { results } = (await invite('dana@example.com')).json;
    const token = tokenOf(results[0].link);
    const other = await stranger(t, 'dana.personal@example.org');
    await expect(acceptInvitation(t.deps, token, other)).rejects.toMatchObject({ code: 'invitation.email_mismatch' });
    expect(await t.deps.repos.people.membership(workspaceId, other.id)).toBeUndefined();
    const listed = (await t.api('GET', '/v1/invitations', { key })).json.invitations[0];
    expect(listed).toMatchObject({ status: 'pending', attemptedEmail: 'dana.personal@example.org', approvedEmail: null });

    const approve = await t.api('POST', `/v1/invitations/${results[0].invitationId}/approve`, { key, json: { email: 'Dana.Personal@example.org' } });
    expect(approve.json).toMatchObject({ approvedEmail: 'dana.personal@example.org' });
    expect(await acceptInvitation(t.deps, token, other)).toEqual({ workspaceId });
    expect(await t.deps.repos.people.membership(workspaceId, other.id)).toMatchObject({ role: 'member' });
  });
});

describe('who may invite', () => {
  it('when an admin or an admin key invites an admin or owner, then it is refused; an owner may; a manager key may not invite at all', async () => {
    const admin = await person(t, workspaceId, 'admin', 'admin@example.com');
    const owner = await person(t, workspaceId, 'owner', 'owner@example.com');
    for (const [auth, role] of [[{ headers: admin.headers }, 'admin'], [{ key }, 'owner'], [{ key }, 'admin']] as const) {
      const res = await invite('x@example.com', role, auth);
      expect([res.status, res.json.code]).toEqual([403, 'auth.forbidden']);
    }
    expect((await invite('m@example.com', 'manager', { headers: admin.headers })).status).toBe(201);
    expect((await invite('o@example.com', 'owner', { headers: owner.headers })).status).toBe(201);
    // An admin cannot resend or approve an owner invitation (approving would let another address in as owner).
    const ownerInvite = (await t.api('GET', '/v1/invitations', { key })).json.invitations.find((i: any) => i.role === 'owner');
    const approve = await t.api('POST', `/v1/invitations/${ownerInvite.id}/approve`, { headers: admin.headers, json: { email: 'mine@example.com' } });
    expect([approve.status, approve.json.code]).toEqual([403, 'auth.forbidden']);

    const managerKey = (await t.api('POST', '/v1/workspace/keys', { key, json: { label: 'reports', role: 'manager' } })).json.apiKey;
    const byManager = await invite('y@example.com', 'member', { key: managerKey });
    expect([byManager.status, byManager.json.code]).toEqual([403, 'auth.forbidden']);
    expect((await t.api('GET', '/v1/invitations', { key: managerKey })).status).toBe(403);
    const member = await person(t, workspaceId, 'member', 'member@example.com');
    expect((await invite('z@example.com', 'member', { headers: member.headers })).status).toBe(403);
    expect((await t.api('GET', '/v1/invitations', { key })).json.invitations).toHaveLength(2);
  });
});

describe('invitation mail', () => {
  let smtp: SMTPServer;
  let received: string[];
  let url: string;
  beforeEach(async () => {
    received = [];
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push(Buffer.concat(chunks).toString('utf8'));
          callback();
        });
      },
    });
    await new Promise<void>((done) => smtp.listen(0, '127.0.0.1', () => done()));
    url = `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`;
  });
  afterEach(() => new Promise<void>((done) => smtp.close(() => done())));

  it('when a mail transport is configured, then the invitation is mailed from the fixed template (escaped, in the inviter\'s language) and no link is answered', async () => {
    const vault = await createTokenVault('test-secret-test-secret-test-secret!');
    t.close();
    t = await createTestApp({ mail: { transport: createSmtpTransport(url), from: { email: 'unmeet@acme.example', name: 'unmeet' }, links: createLinkSigner(vault) } });
    const ws = await newWorkspace(t.api, 'Tim <script>alert(1)</script>');
    const owner = await t.deps.repos.people.upsertVerified({ email: 'ayu@example.com', name: 'Ayu "<i>"', locale: 'id', verifiedBy: 'google' });
    await t.deps.repos.people.join(ws.workspace.id, owner.id, 'owner', null);
    const { token } = await startSession(t.deps, { workspaceId: ws.workspace.id, personId: owner.id });

    const res = await t.api('POST', '/v1/invitations', { headers: { cookie: `um_session=${token}` }, json: { emails: 'dana@example.com' } });
    expect(res.json.results[0]).toMatchObject({ status: 'invited', delivery: 'mailed' });
    expect(res.json.results[0].link).toBeUndefined();
    expect(received).toHaveLength(1);
    const mail = await simpleParser(received[0]!);
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toContain('dana@example.com');
    expect(mail.subject).toBe('Undangan ke Tim <script>alert(1)</script> di unmeet');
    expect(mail.text).toContain('Ayu "<i>" mengundang Anda bergabung dengan Tim <script>alert(1)</script>');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('Tim &lt;script&gt;');
    const link = /http:\/\/127\.0\.0\.1:8787\/invite\/(umi_[0-9a-z]{43})/.exec(mail.text ?? '')![1]!;
    expect(await peekInvitation(t.deps, link)).toMatchObject({ email: 'dana@example.com', role: 'member' });
  });
});

describe('unmeet invite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unmeet-invite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = async (args: string[]) => {
    const env = { ...process.env, UNMEET_SECRET: 'cli-test-secret-cli-test-secret-0123', UNMEET_DB: join(dir, 'unused.db'), PUBLIC_URL: 'https://unmeet.example' };
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ['bin/unmeet.js', ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('when the operator invites on the command line, then the only workspace is the default, the link is printed and it works; a duplicate or a bad role fails', async () => {
    const db = join(dir, 'team.db');
    expect((await cli(['invite', 'dana@example.com', '--db', db])).stderr).toContain('no workspace yet');
    await promisify(execFile)(process.execPath, ['bin/unmeet.js', 'workspace', 'create', '--name', 'Acme'], { env: { ...process.env, UNMEET_SECRET: 'cli-test-secret-cli-test-secret-0123', UNMEET_DB: db } });
    const res = await cli(['invite', 'Dana@Example.com', '--db', db, '--role', 'manager', '--json']);
    expect(res.code).toBe(0);
    const printed = JSON.parse(res.stdout);
    expect(printed).toMatchObject({ email: 'dana@example.com', role: 'manager', link: expect.stringMatching(/^https:\/\/unmeet\.example\/invite\/umi_/) });

    const duplicate = await cli(['invite', 'dana@example.com', '--db', db]);
    expect([duplicate.code, duplicate.stderr]).toEqual([1, expect.stringContaining('(invitation.duplicate)')]);
    expect((await cli(['invite', 'x@example.com', '--db', db, '--role', 'king'])).stderr).toContain('--role must be');

    const handle = openSqlite(db);
    try {
      const deps = { repos: createRepositories({ db: handle.db }), clock: () => Date.now() };
      expect(await peekInvitation(deps, tokenOf(printed.link))).toMatchObject({ workspaceId: printed.workspaceId, role: 'manager', email: 'dana@example.com' });
      const [entry] = await deps.repos.auditLog.list(printed.workspaceId, { limit: 5 });
      expect(entry).toMatchObject({ actor: 'cli', action: 'invitation.create' });
    } finally {
      handle.close();
    }
  }, 60_000);
});
