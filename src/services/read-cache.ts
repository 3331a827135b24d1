/**
 * Short-lived copies of the two reads every authenticated report request starts with: the API
 * key by its hash, and the viewer's scope (memberships and the workspace's data version). On
 * Workers each is a D1 round trip of a few milliseconds, more than everything else a cached
 * report costs; on Node the scope of a 200-person team is most of a cached report's cost.
 *
 * What it trades, by design and documented (docs/configuration.md, UNMEET_READ_CACHE_MS): another
 * isolate's or process's write (a revoked key, a changed membership, a sync that bumps the data
 * version; on Node, only the CLI's) is seen here within `ttlMs`. Its own writes are seen at once:
 * every request that may write, and every job run, clears it. Unsafe methods never authenticate
 * from it.
 */
export interface ReadCache {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  clear(): void;
}

export function createReadCache(ttlMs: number, clock: () => number, maxEntries = 2_000): ReadCache {
  const entries = new Map<string, { value: unknown; until: number }>();
  return {
    get<T>(key: string) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.until <= clock()) {
        entries.delete(key);
        return undefined;
      }
      return entry.value as T;
    },
    set(key, value) {
      if (entries.size >= maxEntries) entries.clear();
      entries.set(key, { value, until: clock() + ttlMs });
    },
    clear() {
      entries.clear();
    },
  };
}

/** `read()` through the cache when there is one and `mayCache`; a miss stores only a defined answer. */
export async function throughReadCache<T>(cache: ReadCache | undefined, key: string, read: () => Promise<T>, mayCache = true): Promise<T> {
  if (!cache || !mayCache) return read();
  const hit = cache.get<T>(key);
  if (hit !== undefined) return hit;
  const value = await read();
  if (value !== undefined) cache.set(key, value);
  return value;
}
