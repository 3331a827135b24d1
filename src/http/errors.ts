import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isUnmeetError } from '../domain/errors';
import type { Logger } from '../logger';

/** RFC 9457 problem details, always with our stable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  [extra: string]: unknown;
}

const statusByCode: Record<string, ContentfulStatusCode> = {
  'auth.missing_key': 401,
  'auth.invalid_key': 401,
  'auth.forbidden': 403,
  'auth.session_expired': 401,
  'auth.person_required': 403,
  'workspace.creation_closed': 403,
  'request.too_large': 413,
  'ics.too_large': 413,
  'ics.url_unreachable': 502,
  'member.already_exists': 409,
  'key.last_active': 409,
  'key.limit_reached': 409,
  'request.not_found': 404,
  'webhook.forbidden': 401,
  'webhook.unknown_channel': 404,
  'google.not_configured': 501,
  'microsoft.not_configured': 501,
  'signin.invalid_token': 401,
  'signin.exchange_failed': 400,
  'signin.not_configured': 501,
  'signin.provider_unavailable': 502,
  'config.secret_missing': 503,
  'rate_limited': 429,
  'mail.invalid_link': 404,
  'mail.link_expired': 410,
  'mail.link_used': 410,
  'outbox.not_exportable': 409,
  'oauth.account_mismatch': 403,
  'oauth.account_unverified': 403,
  'oauth.account_unknown': 502,
  'oauth.not_own_member': 403,
  'signin.invalid_state': 400,
  'signin.cancelled': 400,
  'signin.email_unverified': 403,
  'signin.invalid_email': 422,
  'signin.too_many_links': 429,
  'signin.mail_unavailable': 501,
  'signup.closed': 403,
  'link.invalid': 404,
  'link.expired': 410,
  'link.used': 410,
  'workspace.not_found': 404,
  'request.malformed_json': 400,
  'invitation.invalid': 404,
  'invitation.expired': 410,
  'invitation.used': 410,
  'invitation.revoked': 410,
  'invitation.email_mismatch': 403,
  'invitation.duplicate': 409,
  'invitation.already_member': 409,
  'invitation.limit_reached': 429,
  'invitation.invalid_email': 422,
  'role.last_owner': 409,
  'group.name_taken': 409,
  'privacy.not_shared': 403,
  'connection.needs_reauth': 409,
  'connection.no_calendar': 409,
};

/** The HTTP status of an expected failure: explicit table first, then the code's suffix. */
export function statusForCode(code: string): ContentfulStatusCode {
  const explicit = statusByCode[code];
  if (explicit) return explicit;
  if (code.endsWith('.not_found')) return 404;
  if (code.endsWith('.conflict')) return 409;
  return 422;
}

const titleFor = (code: string) =>
  code
    .split('.')
    .at(-1)!
    .replaceAll('_', ' ')
    .replace(/^\w/, (c) => c.toUpperCase());

export function problem(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): Response {
  const body: Problem = { type: `https://unmeet.dev/problems/${code}`, title: titleFor(code), status, code, detail, ...extra };
  return c.body(JSON.stringify(body), status, { 'content-type': 'application/problem+json' });
}

/**
 * The one error handler: expected failures become problem+json with their code; anything else
 * is logged with the request id and answered as a generic 500 without a stack or vendor body.
 */
export function renderError(error: unknown, c: Context, logger: Logger): Response {
  if (isUnmeetError(error)) {
    const extra = error.details && 'line' in error.details ? { line: error.details.line } : {};
    return problem(c, statusForCode(error.code), error.code, error.message, extra);
  }
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    if (status === 413) return problem(c, 413, 'request.too_large', 'The request body is too large.');
    if (status === 415) return problem(c, 415, 'request.unsupported_media_type', 'Send application/json (or text/calendar where the route takes a file).');
    if (status < 500) return problem(c, status, 'request.invalid', error.message || 'The request is not valid.');
  }
  if (error instanceof SyntaxError) return problem(c, 400, 'request.malformed_json', 'The request body is not valid JSON.');
  logger.error('unhandled error', {
    requestId: c.get('requestId' as never),
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  return problem(c, 500, 'internal', 'Something went wrong on our side. The request id identifies it in our logs.', {
    requestId: c.get('requestId' as never),
  });
}
