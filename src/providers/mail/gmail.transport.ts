/**
 * Gmail API `users.messages.send` through a member's Google connection: the stored RFC 5322
 * message (the same bytes as the `.eml` export) goes as `{raw: base64url}`, authorized by the
 * connection's own OAuth2 client, so an expired access token is refreshed (and handed to
 * `onTokens` to be sealed and stored) before or during the call. One attempt per call: the
 * outbox owns retries and backoff.
 *
 * At most once: an HTTP 4xx means Gmail did not take the message (retryable for 429 and rate
 * limits); a 5xx or a connection lost after the request went out may have sent it, so it is
 * reported as uncertain and settled later by `findSent`, which searches Sent for
 * `rfc822msgid:<id>`. That search needs a read scope (gmail.readonly); with only gmail.send
 * Google answers 403 and `findSent` says "cannot tell" (`undefined`).
 */
import { googleTokenClient, type GoogleConfig, type GoogleTokens } from '../google/google.oauth';
import { MailTransportError, type MailTransport } from './mail-transport';

/** Network failures that happen before any request byte reaches Google. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface GaxiosLikeError {
  message?: string;
  code?: string | number;
  cause?: { code?: string };
  response?: { status?: number; data?: { error?: string | { errors?: Array<{ reason?: string }>; message?: string } } };
}

const toBase64Url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

function classify(error: unknown): MailTransportError {
  const e = error as GaxiosLikeError;
  const status = e.response?.status;
  const data = e.response?.data;
  const oauthError = typeof data?.error === 'string' ? data.error : undefined;
  const reason = oauthError ?? (typeof data?.error === 'object' ? data.error.errors?.[0]?.reason : undefined);
  const text = `Gmail${status ? ` ${status}` : ''}${reason ? ` ${reason}` : ''}`;
  // The refresh itself failed: nothing was sent; a revoked grant needs the member to reconnect.
  if (oauthError === 'invalid_grant') return new MailTransportError(`${text}: the Google grant was revoked or expired; the organizer must reconnect Google`, true, false);
  if (status === undefined) {
    const code = String(e.cause?.code ?? e.code ?? '');
    if (NOT_CONNECTED.has(code)) return new MailTransportError(`Gmail unreachable (${code})`, true, true);
    return new MailTransportError(`Gmail connection lost (${code || 'no response'}): the message may have been sent`, false, false);
  }
  if (status === 429 || (status === 403 && /rateLimitExceeded|userRateLimitExceeded|quotaExceeded|dailyLimitExceeded/.test(reason ?? ''))) {
    return new MailTransportError(`${text}: Gmail asked us to slow down`, true, true);
  }
  if (status === 401) return new MailTransportError(`${text}: Google rejected the credentials`, true, true);
  if (status === 403) return new MailTransportError(`${text}: Google refused to send (the connection lacks the gmail.send permission; reconnect Google)`, true, false);
  if (status >= 400 && status < 500) return new MailTransportError(`${text}: Gmail refused the message`, true, false);
  return new MailTransportError(`${text}: Gmail failed mid-request; the message may have been sent`, false, false);
}

export function createGmailTransport(options: {
  config: GoogleConfig;
  /** e.g. https://gmail.googleapis.com */
  gmailRoot: string;
  tokens: GoogleTokens;
  onTokens: (tokens: GoogleTokens) => Promise<void>;
}): MailTransport {
  const { client, saved } = googleTokenClient(options.config, options.tokens, options.onTokens);
  // A token revoked before its expiry: refresh once and try again (a 401 means nothing was sent).
  client.forceRefreshOnFailure = true;
  const root = `${options.gmailRoot.replace(/\/$/, '')}/gmail/v1/users/me`;
  const call = async <T>(opts: { url: string; method: 'GET' | 'POST'; data?: unknown }): Promise<T> => {
    try {
      return (await client.request<T>({ ...opts, retry: false, timeout: 60_000 })).data;
    } finally {
      await saved();
    }
  };

  return {
    name: 'gmail',
    async send(mail) {
      try {
        await call({ url: `${root}/messages/send`, method: 'POST', data: { raw: toBase64Url(mail.raw) } });
      } catch (error) {
        throw classify(error);
      }
    },
    async findSent(mail) {
      const id = mail.messageId.replace(/^<|>$/g, '');
      try {
        const data = await call<{ messages?: unknown[]; resultSizeEstimate?: number }>({
          url: `${root}/messages?q=${encodeURIComponent(`in:sent rfc822msgid:${id}`)}&maxResults=1`,
          method: 'GET',
        });
        return (data.messages?.length ?? 0) > 0;
      } catch (error) {
        // No read permission (gmail.send only): Gmail cannot tell us; a person decides.
        if ((error as GaxiosLikeError).response?.status === 403 && !/rateLimit|quota/i.test(JSON.stringify((error as GaxiosLikeError).response?.data ?? ''))) return undefined;
        throw classify(error);
      }
    },
  };
}
