import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const BUDGET = 1024 * 1024;

describe('the Worker bundle', () => {
  it('when wrangler bundles the Worker, then it stays under 1 MiB gzip', () => {
    const out = mkdtempSync(join(tmpdir(), 'unmeet-bundle-'));
    try {
      execFileSync(process.execPath, ['node_modules/wrangler/bin/wrangler.js', 'deploy', '--dry-run', '--outdir', out], {
        env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
        stdio: 'pipe',
      });
      const files = readdirSync(out).filter((f) => f.endsWith('.js'));
      expect(files.length).toBeGreaterThan(0);
      const gzip = files.reduce((n, f) => n + gzipSync(readFileSync(join(out, f))).length, 0);
      console.log(`worker bundle: ${(gzip / 1024).toFixed(0)} KiB gzip (budget ${BUDGET / 1024} KiB)`);
      expect(gzip).toBeLessThan(BUDGET);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
