import { isProviderError } from './calendar-provider';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Waits; injected so tests need not sleep. */
  sleep: (ms: number) => Promise<void>;
  /** 0..1, injected for determinism in tests. */
  random: () => number;
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * Whether and when a failed provider call is worth another try: throttling (after the vendor's
 * Retry-After when it gave one, else exponential backoff with full jitter) and transient
 * unavailability. Quota exhaustion (a retry hint longer than the policy allows), auth, bad
 * input, conflicts and gone resources are final.
 */
export function retryDelay(error: unknown, attempt: number, policy: RetryPolicy): number | null {
  if (!isProviderError(error)) return null;
  if (error.kind !== 'rate_limited' && error.kind !== 'unavailable') return null;
  if (error.retryAfterMs !== undefined) return error.retryAfterMs <= policy.maxDelayMs ? error.retryAfterMs : null;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(policy.random() * ceiling);
}

/** Runs `call`, retrying as `retryDelay` says, at most `policy.attempts` times in all. */
export async function withRetry<T>(call: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const delay = attempt + 1 < policy.attempts ? retryDelay(error, attempt, policy) : null;
      if (delay === null) throw error;
      await policy.sleep(delay);
    }
  }
}

/** At most `n` calls in flight at once (per connection: vendors cap concurrent requests per user). */
export function createLimiter(n: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async function limit<T>(call: () => Promise<T>): Promise<T> {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await call();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

