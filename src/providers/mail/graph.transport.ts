/**
 * Microsoft Graph `POST /me/sendMail` through a member's Outlook connection, in MIME form
 * (`Content-Type: text/plain`, the stored RFC 5322 message base64-encoded; api/user-sendmail):
 * the same bytes as the `.eml` export, so the Message-ID recorded before the attempt becomes
 * the message's `internetMessageId`. Graph answers `202` with no body. The access token is
 * refreshed ahead of expiry (and once more on a 401); every rotated refresh token goes to
 * `onTokens` before the call goes on. One attempt per call: the outbox owns retries.
 *
 * At most once: a 4xx means Graph did not take the message (retryable for 429); a 5xx or a
 * connection lost mid-request may have sent it, so it is uncertain and settled later by
 * `findSent` (`GET /me/mailFolders/SentItems/messages?$filter=internetMessageId eq '<id>'`,
 * which needs Mail.ReadBasic; without it Graph answers 403 and `findSent` cannot tell).
 *
 * As the mailbox owner: Exchange refuses (403 ErrorSendAsDenied) or bounces a message whose From
 * names an address the mailbox has no Send As right on, so the From of the stored message
 * becomes the owner's address (`mailbox`, the connected account), or is left for Graph to set
 * when that is unknown. A refusal fails the message with its reason. With a read scope
 * (Mail.ReadBasic), the send then watches the mailbox until the message reaches Sent Items or
 * a non-delivery report for it lands in the Inbox (see graph-outcome.ts), and a report fails it
 * the same way. Reports usually come later than that (Exchange files the Sent Items copy at
 * submission, the report once routing gives up): `findBounce` looks again, for the outbox's
 * later checks (services/outbox-bounces.ts).
 */
import { refreshMicrosoftTokens, type MicrosoftConfig, type MicrosoftTokens } from '../microsoft/microsoft.oauth';
import { isProviderError } from '../calendar-provider';
import { asMailboxOwner, awaitOutcome, bounceReason, canReadMail, findReport, type SettleOptions } from './graph-outcome';
import { MailTransportError, type MailTransport } from './mail-transport';

const EXPIRY_MARGIN_MS = 60_000;
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

class HttpStatus extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(`Microsoft Graph ${status}${code ? ` ${code}` : ''}`);
  }
}

function classify(error: unknown): MailTransportError {
  if (error instanceof MailTransportError) return error;
  if (isProviderError(error)) {
    // The token endpoint: nothing was sent.
    const retryable = error.kind === 'rate_limited' || error.kind === 'unavailable';
    const hint = error.kind === 'auth' ? '; the organizer must reconnect Outlook' : '';
    return new MailTransportError(`Microsoft sign-in: ${error.message}${hint}`, true, retryable);
  }
  if (error instanceof HttpStatus) {
    const { status, message } = error;
    if (status === 429) return new MailTransportError(`${message}: Graph asked us to slow down`, true, true);
    if (status === 401) return new MailTransportError(`${message}: Graph rejected the access token`, true, true);
    if (status === 403 && error.code === 'ErrorSendAsDenied') {
      return new MailTransportError(`${message}: Outlook refused to send as the message's From address (the mailbox has no Send As right on it)`, true, false);
    }
    if (status === 403) return new MailTransportError(`${message}: Graph refused to send (the connection lacks Mail.Send; reconnect Outlook)`, true, false);
    if (status >= 400 && status < 500) return new MailTransportError(`${message}: Graph refused the message`, true, false);
    return new MailTransportError(`${message}: Graph failed mid-request; the message may have been sent`, false, false);
  }
  const e = error as { name?: string; cause?: { code?: string } };
  const code = e.cause?.code ?? e.name ?? '';
  if (NOT_CONNECTED.has(code)) return new MailTransportError(`Microsoft Graph unreachable (${code})`, true, true);
  return new MailTransportError(`Microsoft Graph connection lost (${code || 'no response'}): the message may have been sent`, false, false);
}

interface GraphTransportOptions {
  config: MicrosoftConfig;
  tokens: MicrosoftTokens;
  onTokens: (tokens: MicrosoftTokens) => Promise<void>;
  now?: () => number;
  /** The mailbox owner's address (the connected account): the From of every message. Null: Graph sets it. */
  mailbox?: string | null;
  /** How long a send watches for Sent Items or a non-delivery report (defaults in graph-outcome.ts). */
  settle?: Partial<SettleOptions>;
}

/** Graph calls as the member: the token refreshed ahead of expiry and once more after a 401; `scope` is what the grant holds now. */
function graphCaller(options: GraphTransportOptions) {
  const now = options.now ?? Date.now;
  const root = options.config.apiRoot.replace(/\/$/, '');
  let current: MicrosoftTokens = { ...options.tokens };

  const ensureToken = async (force: boolean) => {
    if (!force && current.access_token && (current.expires_at ?? 0) - EXPIRY_MARGIN_MS > now()) return;
    if (!current.refresh_token) throw new MailTransportError('Microsoft sign-in: no refresh token stored; the organizer must reconnect Outlook', true, false);
    const fresh = await refreshMicrosoftTokens(options.config, current.refresh_token, now, current.scope);
    // The refresh token rotates: store the new one before anything else happens.
    current = { ...current, ...fresh, refresh_token: fresh.refresh_token ?? current.refresh_token };
    await options.onTokens(current);
  };

  const request = async (path: string, init: RequestInit): Promise<Response> => {
    for (let attempt = 0; ; attempt++) {
      await ensureToken(attempt > 0);
      const res = await fetch(`${root}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${current.access_token}` },
        signal: AbortSignal.timeout(60_000),
      });
      // A token revoked early: one forced refresh, then the answer stands (a 401 sent nothing).
      if (res.status === 401 && attempt === 0) {
        await res.body?.cancel();
        continue;
      }
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
        throw new HttpStatus(res.status, body.error?.code);
      }
      return res;
    }
  };

  return { request, scope: () => current.scope };
}

export function createGraphTransport(options: GraphTransportOptions): MailTransport {
  const { request, scope } = graphCaller(options);
  /** The `value` of a message collection answer. */
  const list = async (path: string): Promise<Array<Record<string, unknown>>> => {
    const res = await request(path, { method: 'GET', headers: { accept: 'application/json' } });
    return ((await res.json()) as { value?: Array<Record<string, unknown>> }).value ?? [];
  };

  const transport: MailTransport = {
    name: 'graph',
    async send(mail) {
      try {
        const res = await request('/me/sendMail', {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: Buffer.from(asMailboxOwner(mail.raw, options.mailbox), 'utf8').toString('base64'),
        });
        await res.body?.cancel();
      } catch (error) {
        throw classify(error);
      }
      if (!canReadMail(scope())) return;
      const report = await awaitOutcome({ list, found: (m) => transport.findSent!(m) }, mail, options.settle);
      // Nothing reached the recipient: failed for good, with what Outlook said.
      if (report) throw new MailTransportError(bounceReason(report.subject), true, false);
    },
    async findBounce(mail) {
      // Mail.Send only: the mailbox cannot be read, so no report can be seen.
      if (!canReadMail(scope())) return null;
      try {
        return await findReport({ list }, mail);
      } catch (error) {
        throw classify(error);
      }
    },
    async findSent(mail) {
      const filter = `internetMessageId eq '${mail.messageId.replaceAll("'", "''")}'`;
      try {
        const res = await request(`/me/mailFolders/SentItems/messages?$filter=${encodeURIComponent(filter)}&$select=id,internetMessageId&$top=1`, {
          method: 'GET',
          headers: { accept: 'application/json' },
        });
        const data = (await res.json()) as { value?: Array<{ internetMessageId?: string }> };
        return (data.value ?? []).some((m) => m.internetMessageId === mail.messageId);
      } catch (error) {
        // No read permission (Mail.Send only): Graph cannot tell us; a person decides.
        if (error instanceof HttpStatus && error.status === 403) return undefined;
        throw classify(error);
      }
    },
  };
  return transport;
}
