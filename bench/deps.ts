import { createRepositories } from '../src/db/repositories';
import { openSqlite } from '../src/db/sqlite';
import { silentLogger } from '../src/logger';
import { createTokenVault } from '../src/providers/token-vault';
import type { Deps } from '../src/services/deps';

/** Service dependencies on a private in-memory SQLite with a fixed clock, for benchmarks. */
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
    ...extra,
  };
  return { deps, close: handle.close };
}
