import type { Deps } from './deps';

/**
 * A small least-recently-used cache for results that are costly to compute and depend only on
 * a workspace's stored data (audits, flag scores). Keys carry the workspace's data version,
 * which every relevant write bumps in the same transaction, so a stale entry can never be
 * served; it simply stops being asked for and ages out.
 */
export interface Memo {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  /** Records what `value`, still cached at `key`, holds once known, so the cache keeps within its byte budget. */
  weigh(key: string, value: unknown, bytes: number): void;
}

/**
 * Least recently used first out, past `maxEntries` entries or past `maxBytes` of the sizes
 * reported by `weigh` (a large team's reports and pages run to hundreds of kilobytes each).
 */
export function createMemo(maxEntries = 256, maxBytes = 64 * 1024 * 1024): Memo {
  const entries = new Map<string, { value: unknown; bytes: number }>();
  let total = 0;
  const drop = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    total -= entry.bytes;
    entries.delete(key);
  };
  const evict = () => {
    while (entries.size > maxEntries || (total > maxBytes && entries.size > 1)) drop(entries.keys().next().value!);
  };
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value) {
      drop(key);
      entries.set(key, { value, bytes: 0 });
      evict();
    },
    weigh(key, value, bytes) {
      const entry = entries.get(key);
      if (!entry || entry.value !== value) return;
      total += bytes - entry.bytes;
      entry.bytes = bytes;
      evict();
    },
  };
}

/** Bytes held by a cached value, as far as it is text or encoded bytes (directly or one level down). */
function sizeOf(value: unknown, depth = 0): number {
  if (typeof value === 'string' || value instanceof String) return value.length * 2;
  if (value instanceof Uint8Array) return value.byteLength;
  if (depth === 0 && value !== null && typeof value === 'object') {
    let bytes = 0;
    for (const field of Object.values(value)) bytes += sizeOf(field, 1);
    return bytes;
  }
  return 0;
}

/**
 * `compute()` once per workspace data version and parameters; without a memo in deps, every time.
 * `dataVersion`, when the caller read it already in this request (with another read, in one
 * round trip) and wrote nothing since, saves reading it again.
 */
export async function memoized<T>(
  deps: Pick<Deps, 'repos' | 'memo'>,
  workspaceId: string,
  name: string,
  params: unknown,
  compute: () => Promise<T>,
  dataVersion?: number,
): Promise<T> {
  if (!deps.memo) return compute();
  const version = dataVersion ?? (await deps.repos.workspaces.dataVersion(workspaceId));
  const key = `${workspaceId}|${version}|${name}|${JSON.stringify(params)}`;
  const hit = deps.memo.get(key) as Promise<T> | undefined;
  if (hit) return hit;
  // The promise itself is cached, so concurrent requests share one computation; a failure is not kept.
  const pending = compute();
  const memo = deps.memo;
  memo.set(key, pending);
  pending.then(
    (value) => memo.weigh(key, pending, sizeOf(value)),
    () => memo.set(key, undefined),
  );
  return pending;
}
