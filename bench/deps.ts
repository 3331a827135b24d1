import { createRepositories } from '../src/db/repositories';
import { openSqlite } from '../src/db/sqlite';
import { silentLogger } from '../src/logger';
import { createTokenVault } from '../src/providers/token-vault';
import { nodeFeedHash } from '../src/entry/ics-parse-hash';
import type { Deps } from '../src/services/deps';
import { createInlineFeedParser } from '../src/services/ics-parse-pool';

/**
 * Service dependencies on a private in-memory SQLite with a fixed clock, for benchmarks. Feeds
 * are read in-line, hashed as the Node server's parse thread hashes them (node:crypto): an
 * import here is the thread's work (hash, parse, store) without the hop to it.
 */
export async function benchDeps(now: number, extra: Partial<Deps> = {}): Promise<{ deps: Deps; close: () => void }> {
  const handle = openSqlite(':memory:');
  const deps: Deps = {
    db: handle.db,
    repos: createRepositories({ db: handle.db }),
    vault: await createTokenVault('bench-secret-bench-secret-bench-secret'),
    clock: () => now,
    logger: silentLogger,
    ics: { fetch, resolveHost: async () => [], allowPrivate: false, refreshMinutes: 60 },
    publicUrl: 'http://127.0.0.1',
    feedParser: createInlineFeedParser(nodeFeedHash),
    ...extra,
  };
  return { deps, close: handle.close };
}
