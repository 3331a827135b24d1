import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

/**
 * Two projects, one command: `node` (unit, integration, providers, e2e on Node with real
 * SQLite) and `workers` (the Worker build inside workerd with a local D1, via miniflare).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['tests/{unit,integration,providers,e2e}/**/*.test.ts'],
          env: { TZ: 'UTC', WRANGLER_SEND_METRICS: 'false' },
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              // A second D1 that nothing migrates, for /readyz on an unmigrated database.
              d1Databases: { UNMIGRATED_DB: 'unmigrated' },
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations('drizzle'),
                UNMEET_SECRET: 'workers-test-secret-workers-test-secret',
                UNMEET_ALLOW_PRIVATE_URLS: '1',
                UNMEET_LOG_LEVEL: 'silent',
                UNMEET_ADMIN_TOKEN: 'workers-admin-token-0123456789',
              },
            },
          })),
        ],
        test: {
          name: 'workers',
          include: ['tests/workers/**/*.test.ts'],
          setupFiles: ['tests/workers/apply-migrations.ts'],
          globalSetup: ['tests/workers/global-setup.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
