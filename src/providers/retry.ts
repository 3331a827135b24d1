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
  /**
   * Epoch ms (real time) by which every wait must have ended: a job's lease. A wait that would
   * end later is not taken; the error goes up so the job runner reschedules the job at the
   * vendor's Retry-After instead of sleeping past the lease (when another runner may take it).
   */
  notAfter?: number | undefined;
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

/**
 * A response header by name, whatever holds the headers: WHATWG `Headers`, another fetch
 * library's headers class (gaxios hands back node-fetch's on Node, which is not an instance of
 * the global `Headers`), a `Map`, or a plain object with any casing.
 */
export function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const h = headers as { get?: (key: string) => unknown } & Record<string, unknown>;
  if (typeof h.get === 'function') {
    const value = h.get(name);
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
    if (headers instanceof Map) return undefined;
  }
  const key = Object.keys(h).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : h[key];
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/**
 * `Retry-After` (RFC 9110 §10.2.3) in milliseconds from `now`: either delay-seconds or an
 * HTTP-date. A date in the past means "now" (0); anything unreadable is no hint at all.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date always names the weekday and the zone (GMT); Date.parse reads all three of its forms.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Runs `call`, retrying as `retryDelay` says, at most `policy.attempts` times in all. */
export async function withRetry<T>(call: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const delay = attempt + 1 < policy.attempts ? retryDelay(error, attempt, policy) : null;
      if (delay === null) throw error;
      if (policy.notAfter !== undefined && Date.now() + delay > policy.notAfter) throw error;
      await policy.sleep(delay);
    }
  }
}

/**
 * The policy for provider calls made inside one job run: waits end within half the lease (the
 * rest is for the work itself), so a long Retry-After becomes a rescheduled job, never a run
 * that outlives its lease.
 */
export function withinLease(policy: RetryPolicy, leaseMs: number, startedAt: number = Date.now()): RetryPolicy {
  const budget = Math.floor(leaseMs / 2);
  return { ...policy, maxDelayMs: Math.min(policy.maxDelayMs, budget), notAfter: startedAt + budget };
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

