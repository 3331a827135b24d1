import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { generalErrors, requestErrors } from '../domain/error-codes/request';
import { isUnmeetError, UnmeetError, type ErrorStatus } from '../domain/errors';
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

const titleFor = (code: string) =>
  code
    .split('.')
    .at(-1)!
    .replaceAll('_', ' ')
    .replace(/^\w/, (c) => c.toUpperCase());

/** The problem+json answer for an expected failure, with the status its code declares. */
export function problem(c: Context, error: UnmeetError, extra: Record<string, unknown> = {}): Response {
  const { code, status } = error;
  const body: Problem = { type: `https://unmeet.dev/problems/${code}`, title: titleFor(code), status, code, detail: error.message, ...extra };
  return c.body(JSON.stringify(body), status, { 'content-type': 'application/problem+json' });
}

/**
 * The one error handler: expected failures become problem+json with their code; anything else
 * is logged with the request id and answered as a generic 500 without a stack or vendor body.
 */
export function renderError(error: unknown, c: Context, logger: Logger): Response {
  if (isUnmeetError(error)) {
    const extra = error.details && 'line' in error.details ? { line: error.details.line } : {};
    // A refusal that knows when capacity frees up says so (RFC 9110 §10.2.3).
    if (typeof error.details?.retryAfterSeconds === 'number') c.header('Retry-After', String(error.details.retryAfterSeconds));
    return problem(c, error, extra);
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    if (status === 413) return problem(c, requestErrors.too_large('The request body is too large.'));
    if (status === 415) return problem(c, requestErrors.unsupported_media_type('Send application/json (or text/calendar where the route takes a file).'));
    // Hono's own refusals (a validator's 400, for example) keep the status Hono chose.
    if (status < 500) return problem(c, new UnmeetError(requestErrors.invalid.code, status as ErrorStatus, error.message || 'The request is not valid.'));
  }
  if (error instanceof SyntaxError) return problem(c, requestErrors.malformed_json('The request body is not valid JSON.'));
  logger.error('unhandled error', {
    requestId: c.get('requestId' as never),
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  return problem(c, generalErrors.internal('Something went wrong on our side. The request id identifies it in our logs.'), {
    requestId: c.get('requestId' as never),
  });
}
