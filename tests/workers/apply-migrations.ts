import { applyD1Migrations, env } from 'cloudflare:test';

// The same drizzle/ migrations that Node applies, on the local D1 of each test file.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
