import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildMimeMessage } from '../../src/domain/suggestion-email';
import { MailTransportError, type OutgoingMail } from '../../src/providers/mail/mail-transport';
import { createGmailTransport } from '../../src/providers/mail/gmail.transport';
import { createGraphTransport } from '../../src/providers/mail/graph.transport';
import { createMicrosoftProvider } from '../../src/providers/microsoft/microsoft.provider';
import { defaultRetryPolicy } from '../../src/providers/retry';
import { microsoftScopes, refreshMicrosoftTokens, type MicrosoftConfig, type MicrosoftTokens } from '../../src/providers/microsoft/microsoft.oauth';
import type { GoogleConfig, GoogleTokens } from '../../src/providers/google/google.oauth';
import { FakeGoogle } from '../fakes/google/server';
import { FakeGraph } from '../fakes/graph/server';

const GMAIL_SEND = 'https://www.googleapis.com/auth/gmail.send';
const GMAIL_READ = 'https://www.googleapis.com/auth/gmail.readonly';

/** The message as the outbox stores it: built by the same composition as the `.eml` export. */
function message(id = 'sug_1.abc'): OutgoingMail {
  const messageId = `<${id}@unmeet.test>`;
  const raw = buildMimeMessage({
    from: { email: 'unmeet@unmeet.test', name: 'unmeet' },
    to: { email: 'ayu@acme.id', name: 'Ayu' },
    subject: 'Rapat mingguan: bisa jadi pembaruan tertulis?',
    text: 'Halo Ayu',
    html: '<p>Halo Ayu</p>',
    messageId,
    date: Date.parse('2026-11-30T02:30:00Z'),
    unsubscribeUrl: 'https://unmeet.test/v1/mail/action?t=x',
  });
  return { from: 'unmeet@unmeet.test', to: 'ayu@acme.id', messageId, raw };
}

describe('Gmail transport (Google OAuth2 client against the local fake)', () => {
  let google: FakeGoogle;
  let stored: GoogleTokens[];
  const config = (): GoogleConfig => ({ clientId: google.clientId, clientSecret: google.clientSecret, apiRoot: google.url, oauthRoot: google.url, redirectUri: 'http://127.0.0.1/cb', sendMail: true });
  const transport = (tokens: GoogleTokens) => createGmailTransport({ config: config(), gmailRoot: google.url, tokens, onTokens: async (t) => void stored.push(t) });
  beforeEach(async () => {
    google = await new FakeGoogle().start();
    stored = [];
  });
  afterEach(() => google.stop());

  it('when a message is sent, then Gmail receives the exact stored bytes with their Message-ID', async () => {
    const mail = message();
    await transport(google.grant([GMAIL_SEND])).send(mail);
    expect(google.sentMail).toHaveLength(1);
    expect(google.sentMail[0]!.raw).toBe(mail.raw);
    expect(google.sentMail[0]!.messageId).toBe(mail.messageId);
  });

  it('when the access token expired, then it is refreshed during the send and the fresh tokens are stored', async () => {
    const tokens = google.grant([GMAIL_SEND]);
    google.expireAccessTokens();
    await transport(tokens).send(message());
    expect(google.sentMail).toHaveLength(1);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.at(-1)!.access_token).not.toBe(tokens.access_token);
    expect(stored.at(-1)!.refresh_token).toBe(tokens.refresh_token);
  });

  it('when the grant has a read scope, then findSent finds the message by rfc822msgid; without one it cannot tell', async () => {
    const mail = message();
    const reader = transport(google.grant([GMAIL_SEND, GMAIL_READ]));
    expect(await reader.findSent!(mail)).toBe(false);
    await reader.send(mail);
    expect(await reader.findSent!(mail)).toBe(true);
    expect(google.requests.some((r) => r.query.q === `in:sent rfc822msgid:${mail.messageId.slice(1, -1)}`)).toBe(true);
    expect(await transport(google.grant([GMAIL_SEND])).findSent!(mail)).toBeUndefined();
  });

  it('when Gmail answers 429, then the failure is certain and retryable; a grant without gmail.send fails for good', async () => {
    google.faults.push({ kind: 'status', status: 429, path: /\/gmail\// });
    const error = await transport(google.grant([GMAIL_SEND])).send(message()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailTransportError);
    expect(error).toMatchObject({ notSent: true, retryable: true });
    const refused = await transport(google.grant(['https://www.googleapis.com/auth/calendar.events'])).send(message()).catch((e: unknown) => e);
    expect(refused).toMatchObject({ notSent: true, retryable: false });
    expect(google.sentMail).toHaveLength(0);
  });

  it('when the connection drops after Gmail took the message, then the outcome is uncertain (never a blind retry)', async () => {
    google.faults.push({ kind: 'dropResponse', path: /\/gmail\// });
    const error = await transport(google.grant([GMAIL_SEND])).send(message()).catch((e: unknown) => e);
    expect(error).toMatchObject({ notSent: false });
    expect(google.sentMail).toHaveLength(1);
  });
});

describe('Graph transport (sendMail in MIME form against the local fake)', () => {
  let graph: FakeGraph;
  let stored: MicrosoftTokens[];
  const config = (): MicrosoftConfig => ({
    clientId: graph.clientId,
    clientSecret: graph.clientSecret,
    tenant: graph.tenant,
    apiRoot: graph.apiRoot,
    oauthRoot: graph.url,
    redirectUri: 'http://127.0.0.1/cb',
    sendMail: true,
  });
  /** A live grant: the fake's refresh flow, starting from a consented code. */
  async function grant(scopes: string[]): Promise<MicrosoftTokens> {
    const verifier = 'v'.repeat(50);
    const { createHash } = await import('node:crypto');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = new URL(`${graph.url}/${graph.tenant}/oauth2/v2.0/authorize`);
    authorize.search = new URLSearchParams({ client_id: graph.clientId, response_type: 'code', redirect_uri: 'http://127.0.0.1/cb', scope: scopes.join(' '), code_challenge: challenge, code_challenge_method: 'S256', state: 's' }).toString();
    const res = await fetch(authorize, { redirect: 'manual' });
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const body = new URLSearchParams({ client_id: graph.clientId, client_secret: graph.clientSecret, grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: 'http://127.0.0.1/cb', scope: scopes.join(' ') });
    const t = (await (await fetch(`${graph.url}/${graph.tenant}/oauth2/v2.0/token`, { method: 'POST', body })).json()) as { access_token: string; refresh_token: string; expires_in: number };
    return { access_token: t.access_token, refresh_token: t.refresh_token, expires_at: Date.now() + t.expires_in * 1000, scope: scopes.join(' ') };
  }
  /**
   * The mailbox's time: the fake's mailbox and the send's watch share it, and the watch's sleep
   * moves it, so what each look sees never depends on how fast the machine is.
   */
  let clock: number;
  /** The connection's transport, sending as the mailbox owner unless told otherwise; the mailbox is watched briefly. */
  const transport = (tokens: MicrosoftTokens, mailbox: string | null = graph.mailbox.address) =>
    createGraphTransport({
      config: config(),
      tokens,
      onTokens: async (t) => void stored.push(t),
      mailbox,
      settle: { waitMs: 3_000, pollMs: 20, now: () => clock, sleep: async (ms) => void (clock += ms) },
    });
  beforeEach(async () => {
    graph = await new FakeGraph().start();
    clock = Date.now();
    graph.mailbox.now = () => clock;
    stored = [];
  });
  afterEach(() => graph.stop());

  it('when a message is sent, then Graph answers 202 and Sent Items holds it under the stored Message-ID', async () => {
    const mail = message();
    const t = transport(await grant(microsoftScopes({ sendMail: true })));
    expect(await t.findSent!(mail)).toBe(false);
    await t.send(mail);
    expect(graph.sentItems).toHaveLength(1);
    // The stored bytes, but From names the mailbox's owner (Exchange refuses any other address).
    expect(graph.sentItems[0]!.mime).toBe(mail.raw.replace('From: "unmeet" <unmeet@unmeet.test>', 'From: "unmeet" <alice@example.com>'));
    expect(graph.sentItems[0]!.from.emailAddress.address).toBe('alice@example.com');
    expect(graph.sentItems[0]!.internetMessageId).toBe(mail.messageId);
    expect(await t.findSent!(mail)).toBe(true);
  });

  it('when the owner of the mailbox is unknown, then From is left for Graph to set, and it sends as the owner', async () => {
    const mail = message();
    await transport(await grant(microsoftScopes({ sendMail: true })), null).send(mail);
    expect(graph.sentItems[0]!.mime).not.toMatch(/^From:/im);
    expect(graph.sentItems[0]!.from.emailAddress.address).toBe('alice@example.com');
  });

  it('when Exchange refuses to send as the From address, then the message fails with ErrorSendAsDenied and nothing is sent', async () => {
    const error = await transport(await grant(microsoftScopes({ sendMail: true })), 'team@acme.id').send(message()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailTransportError);
    expect(error).toMatchObject({ notSent: true, retryable: false });
    expect((error as Error).message).toContain('ErrorSendAsDenied');
    expect((error as Error).message).toContain('no Send As right');
    expect(graph.sentItems).toHaveLength(0);
  });

  it('when a non-delivery report comes back (a refused submission, an unknown recipient), then the send fails with the report; a copy to the owner is no report', async () => {
    const tokens = await grant(microsoftScopes({ sendMail: true }));
    graph.mailbox.sendAsRefusal = 'ndr';
    graph.mailbox.deliveryDelayMs = 100;
    const refused = await transport(tokens, 'team@acme.id').send(message('sug_2.x')).catch((e: unknown) => e);
    expect(refused).toMatchObject({ notSent: true, retryable: false });
    expect((refused as Error).message).toMatch(/^Outlook returned a non-delivery report: Undeliverable: Rapat mingguan/);

    graph.mailbox.undeliverable.add('ayu@acme.id');
    const bounced = await transport(stored.at(-1) ?? tokens).send(message('sug_3.x')).catch((e: unknown) => e);
    expect((bounced as Error).message).toContain('non-delivery report');
    expect(graph.sentItems.map((m) => m.internetMessageId)).toEqual(['<sug_3.x@unmeet.test>']);

    const toSelf = { ...message('sug_4.x'), to: 'alice@example.com' };
    toSelf.raw = toSelf.raw.replace(/^To: .*$/m, 'To: Alice <alice@example.com>');
    await transport(stored.at(-1) ?? tokens).send(toSelf);
    expect(graph.mailbox.folders.inbox.some((m) => m.internetMessageId === toSelf.messageId)).toBe(true);
  });

  it('when the report lands between the Inbox look and the Sent Items look, then the send still fails with the report', async () => {
    const tokens = await grant(microsoftScopes({ sendMail: true }));
    graph.mailbox.undeliverable.add('ayu@acme.id');
    graph.mailbox.deliveryDelayMs = 1_000;
    // Transport finishes (Sent Items copy and report together) just as the Sent Items look arrives.
    graph.mailbox.beforeList = (folder) => {
      if (folder?.toLowerCase() === 'sentitems') clock += 1_000;
    };
    const error = await transport(tokens).send(message()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailTransportError);
    expect((error as Error).message).toMatch(/^Outlook returned a non-delivery report: Undeliverable: /);
    expect(graph.sentItems).toHaveLength(1);
  });

  it('when the report comes minutes after the message reached Sent Items, then the send ends as sent and findBounce finds the report later', async () => {
    const tokens = await grant(microsoftScopes({ sendMail: true }));
    graph.mailbox.undeliverable.add('ayu@acme.id');
    graph.mailbox.reportDelayMs = 5 * 60_000;
    const t = transport(tokens);
    const mail = message();
    const started = clock;
    await t.send(mail);
    // The watch stopped at Sent Items: no waiting out its whole budget.
    expect(clock - started).toBe(0);
    expect(await t.findBounce!(mail)).toBeNull();
    clock += 5 * 60_000;
    expect(await t.findBounce!(mail)).toEqual({ subject: 'Undeliverable: Rapat mingguan: bisa jadi pembaruan tertulis?' });
    // Without a read scope the mailbox cannot be searched: no report can be seen.
    expect(await transport(await grant(['offline_access', 'Mail.Send'])).findBounce!(mail)).toBeNull();
  });

  it('when the calendar side refreshes the grant, then the consented scopes are asked for and kept, and mail still goes out', async () => {
    const tokens = await grant(['openid', 'email', 'profile', ...microsoftScopes({ sendMail: true })]);
    const calendar = createMicrosoftProvider({ config: { ...config(), sendMail: false }, tokens, onTokens: async (t) => void stored.push(t), retry: defaultRetryPolicy });
    graph.expireAccessTokens();
    await calendar.profile!();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.scope!.split(' ')).toEqual(expect.arrayContaining(['Mail.Send', 'Mail.ReadBasic', 'Calendars.ReadWrite']));
    await transport(stored[0]!).send(message());
    expect(graph.sentItems).toHaveLength(1);
  });

  it('when the token was revoked early, then one refresh (rotated token stored) and the send goes through', async () => {
    const tokens = await grant(microsoftScopes({ sendMail: true }));
    graph.expireAccessTokens();
    await transport(tokens).send(message());
    expect(graph.sentItems).toHaveLength(1);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.refresh_token).not.toBe(tokens.refresh_token);
  });

  it('when Graph throttles, then the failure is certain and retryable; without Mail.ReadBasic findSent cannot tell', async () => {
    graph.faults.push({ kind: 'status', status: 429, retryAfterSeconds: 2 });
    const t = transport(await grant(['offline_access', 'Calendars.ReadWrite', 'Mail.Send']));
    await expect(t.send(message())).rejects.toMatchObject({ notSent: true, retryable: true });
    expect(await t.findSent!(message())).toBeUndefined();
    expect(graph.sentItems).toHaveLength(0);
  });

  it('when Graph answers 5xx, then the outcome is uncertain', async () => {
    graph.faults.push({ kind: 'status', status: 500 });
    await expect(transport(await grant(microsoftScopes({ sendMail: true }))).send(message())).rejects.toMatchObject({ notSent: false });
  });

  it('scopes: sending through Outlook asks for Mail.Send and Mail.ReadBasic only when enabled', () => {
    expect(microsoftScopes({})).not.toContain('Mail.Send');
    expect(microsoftScopes({ sendMail: true })).toEqual(expect.arrayContaining(['Mail.Send', 'Mail.ReadBasic']));
    void refreshMicrosoftTokens;
  });
});
