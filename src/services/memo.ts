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
}

export function createMemo(maxEntries = 256): Memo {
  const entries = new Map<string, unknown>();
  return {
    get(key) {
      if (!entries.has(key)) return undefined;
      const value = entries.get(key);
      entries.delete(key);
      entries.set(key, value);
      return value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
  };
}

/** `compute()` once per workspace data version and parameters; without a memo in deps, every time. */
export async function memoized<T>(
  deps: Pick<Deps, 'repos' | 'memo'>,
  workspaceId: string,
  name: string,
  params: unknown,
  compute: () => Promise<T>,
): Promise<T> {
  if (!deps.memo) return compute();
  const key = `${workspaceId}|${await deps.repos.workspaces.dataVersion(workspaceId)}|${name}|${JSON.stringify(params)}`;
  const hit = deps.memo.get(key) as Promise<T> | undefined;
  if (hit) return hit;
  // The promise itself is cached, so concurrent requests share one computation; a failure is not kept.
  const pending = compute();
  deps.memo.set(key, pending);
  pending.catch(() => deps.memo?.set(key, undefined));
  return pending;
}
