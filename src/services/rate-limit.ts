/**
 * Per-API-key rate limiting: a token bucket per key (`limit` requests, refilled evenly over
 * `windowMs`). In memory, so per process on Node and per isolate on Workers: it protects the
 * service from one runaway client, it is not a billing meter.
 */
export interface RateLimiter {
  /** Takes one token for `key`; when none is left, how many seconds until one is. */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number };
}

export function createRateLimiter(options: { limit: number; windowMs: number; clock: () => number; maxKeys?: number }): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = options.limit / options.windowMs;
  const maxKeys = options.maxKeys ?? 100_000;
  return {
    take(key) {
      const now = options.clock();
      let bucket = buckets.get(key);
      if (!bucket) {
        // Forget the oldest entries rather than grow without bound.
        if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value!);
        bucket = { tokens: options.limit, at: now };
        buckets.set(key, bucket);
      }
      bucket.tokens = Math.min(options.limit, bucket.tokens + (now - bucket.at) * perMs);
      bucket.at = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
    },
  };
}
