/**
 * Fills the Workers Static Assets directory (wrangler.toml `[assets] directory`) with the API
 * reference UI's files from the installed swagger-ui-dist, at the paths the /docs page links to,
 * plus a `_headers` file giving them the same CSP, year-long caching and nosniff as on Node. The
 * Worker's script bundle stays free of them (1 MiB gzip budget); Node serves them from node_modules.
 *
 * Runs from npm's postinstall (so `npm ci` leaves a clean clone ready for wrangler and the Workers
 * tests), pretest and predeploy; it needs only production dependencies. Files that are already
 * up to date are left alone and changed ones are replaced by rename, so a test run reading the
 * directory never sees half a file; other swagger-ui-dist versions' files are removed.
 *
 * Usage: tsx scripts/docs-assets.ts [OUT_DIR]   (default: the directory wrangler.toml names)
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOCS_ASSET_CACHE, DOCS_ASSET_FILES, DOCS_ASSET_PREFIX, DOCS_CSP, SWAGGER_UI_VERSION } from '../src/http/routes/docs.routes.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** `[assets] directory = "..."` from wrangler.toml, the one place that names the directory. */
function assetsDirectoryFromWrangler(): string {
  const toml = readFileSync(join(root, 'wrangler.toml'), 'utf8');
  const match = /^\[assets\]\s*$(?:(?!^\[)[\s\S])*?^directory\s*=\s*"([^"]+)"/m.exec(toml);
  if (!match) throw new Error('wrangler.toml has no [assets] directory');
  return resolve(root, match[1]!);
}

/** Writes `bytes` to `path` unless it already holds them; a rename makes the switch atomic. */
function put(path: string, bytes: Uint8Array): void {
  if (existsSync(path) && Buffer.compare(readFileSync(path), bytes) === 0) return;
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}

const outDir = process.argv[2] ? resolve(process.argv[2]) : assetsDirectoryFromWrangler();
const source = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
for (const file of DOCS_ASSET_FILES) put(join(outDir, DOCS_ASSET_PREFIX, file), readFileSync(join(source, file)));
const versions = join(outDir, DOCS_ASSET_PREFIX, '..');
for (const entry of readdirSync(versions)) if (entry !== SWAGGER_UI_VERSION) rmSync(join(versions, entry), { recursive: true, force: true });
put(
  join(outDir, '_headers'),
  Buffer.from(
    [
      '# Written by scripts/docs-assets.ts from src/http/routes/docs.routes.ts: edit those, not this.',
      '/docs/assets/*',
      `  Cache-Control: ${DOCS_ASSET_CACHE}`,
      `  Content-Security-Policy: ${DOCS_CSP}`,
      '  X-Content-Type-Options: nosniff',
      '  Cross-Origin-Resource-Policy: same-origin',
      '',
    ].join('\n'),
  ),
);
console.log(`docs assets: swagger-ui-dist ${SWAGGER_UI_VERSION} in ${outDir}`);
