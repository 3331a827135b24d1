import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Deps } from '../../services/deps';
import { problem } from '../errors';
import { generalErrors } from '../../domain/error-codes/request';

/** The client's address as the runtime reports it; requests without one share a budget. */
export const clientAddressOf = (deps: Pick<Deps, 'clientAddress'>, c: Context): string => deps.clientAddress?.(c) || 'unknown';

/**
 * Budgets unauthenticated routes per client address (sign-in, links, setup, invitation pages):
 * past it, 429 with Retry-After. For other public routers too.
 */
export const limitByClientAddress = (deps: Pick<Deps, 'publicRateLimiter' | 'clientAddress'>) =>
  createMiddleware(async (c, next) => {
    const verdict = deps.publicRateLimiter?.take(clientAddressOf(deps, c));
    if (verdict && !verdict.ok) {
      c.header('Retry-After', String(verdict.retryAfterSeconds));
      return problem(c, generalErrors.rate_limited(`Too many requests from this address; retry in ${verdict.retryAfterSeconds} s.`));
    }
    await next();
  });
