/**
 * The API reference at `/docs`: Swagger UI from the exactly pinned `swagger-ui-dist` package,
 * every file served from our own origin (no CDN: it works offline and runs no third-party script
 * on this origin), under a strict Content-Security-Policy.
 *
 * Why Swagger UI (compared in headless Chromium on our own /openapi.json under the CSP below):
 * - swagger-ui-dist 5.36.0: swagger-ui-bundle.js 1.8 MB (462 KiB gzip) + swagger-ui.css 206 KB
 *   (29 KiB gzip). It renders, expands operations, "Try it out" and the Authorize dialog with
 *   `script-src 'self'` and `style-src 'self'` and no CSP violation: no inline script or style
 *   (React sets styles through the CSSOM, which CSP allows), no eval (its one `new Function` is
 *   webpack's globalThis fallback, never reached in a browser), no fonts, no remote images.
 *   Its one dependency, @scarf/scarf, reports installs from an install script: package.json opts
 *   out (`scarfSettings`).
 * - redoc 3.0.1: 2.3 MB standalone (635 KiB gzip), now an ES module with an OpenTelemetry
 *   dependency, read-only (no "Try it out"), search in a blob: worker (`worker-src blob:`).
 * - rapidoc 9.3.8: the smallest (213 KiB gzip), but it loads Google Fonts and applies inline
 *   styles: it needs `style-src 'unsafe-inline'` and a third-party font origin.
 * - @scalar/api-reference 1.76.4: a 4.9 MB standalone bundle.
 *
 * How the vendor files reach the browser: on Node, the entry point reads them from node_modules
 * at start and passes them in as `deps.docsAssets`; these routes serve them. On Workers they do
 * not enter the script bundle (it has a 1 MiB gzip budget): scripts/docs-assets.ts copies them,
 * with a `_headers` file built from the constants here, into the Workers Static Assets directory
 * named in wrangler.toml (`[assets]`), and the asset layer answers `/docs/assets/...` before the
 * Worker runs. The page itself and its small init script come from this file on both runtimes.
 */
import { Hono, type Context } from 'hono';
import swaggerUiDist from 'swagger-ui-dist/package.json' with { type: 'json' };
import type { Deps } from '../../services/deps';

/** The installed (exactly pinned) swagger-ui-dist version; it names the asset path, so upgrades bust caches. */
export const SWAGGER_UI_VERSION: string = swaggerUiDist.version;

/** The package files the page uses, served under DOCS_ASSET_PREFIX with the package's own bytes. */
export const DOCS_ASSET_FILES = ['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png'] as const;
export type DocsAssetFile = (typeof DOCS_ASSET_FILES)[number];

export const DOCS_ASSET_PREFIX = `/docs/assets/${SWAGGER_UI_VERSION}`;

/** Versioned or content-named URLs only: a year, never revalidated. */
export const DOCS_ASSET_CACHE = 'public, max-age=31536000, immutable';

/**
 * Swagger UI needs nothing beyond our own origin: `img-src data:` for the icons its stylesheet
 * embeds as data: SVGs, `connect-src 'self'` for /openapi.json and "Try it out". `form-action
 * 'none'`: its forms (Authorize, Try it out) are handled by script and never submit.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** The content types of the served files, by extension. */
export const DOCS_CONTENT_TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  png: 'image/png',
};
const contentType = (file: string) => DOCS_CONTENT_TYPES[file.slice(file.lastIndexOf('.') + 1)] ?? 'application/octet-stream';

/**
 * Starts Swagger UI: a served file, so the CSP can forbid inline script. The spec URL comes from
 * the page; `validatorUrl: null` keeps the spec away from validator.swagger.io, and
 * `queryConfigEnabled: false` stops `?url=` from pointing the page at another document.
 */
export const DOCS_INIT_JS = `// unmeet API reference: Swagger UI on this service's OpenAPI document.
'use strict';
(function () {
  var root = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({
    url: root.getAttribute('data-spec-url'),
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    queryConfigEnabled: false,
    persistAuthorization: false,
  });
})();
`;

/** FNV-1a, 32 bits, as 8 hex digits: names the init script by its content, so it can be cached for a year. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

export const DOCS_INIT_PATH = `/docs/init.${fnv1a(DOCS_INIT_JS)}.js`;

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>unmeet API</title>
<link rel="icon" type="image/png" href="${DOCS_ASSET_PREFIX}/favicon-32x32.png">
<link rel="stylesheet" href="${DOCS_ASSET_PREFIX}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-spec-url="/openapi.json"></div>
<noscript><p>The interactive reference needs JavaScript. The OpenAPI 3.1 document is at <a href="/openapi.json">/openapi.json</a>.</p></noscript>
<script src="${DOCS_ASSET_PREFIX}/swagger-ui-bundle.js"></script>
<script src="${DOCS_INIT_PATH}"></script>
</body>
</html>
`;

export function docsRoutes(deps: Pick<Deps, 'docsAssets'>) {
  const app = new Hono();
  const asset = (body: string | Uint8Array<ArrayBuffer>, type: string) => (c: Context) =>
    c.body(body, 200, { 'content-type': type, 'cache-control': DOCS_ASSET_CACHE, 'content-security-policy': DOCS_CSP });

  app.get('/docs', (c) =>
    c.body(DOCS_HTML, 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', 'content-security-policy': DOCS_CSP }),
  );
  app.get(DOCS_INIT_PATH, asset(DOCS_INIT_JS, contentType(DOCS_INIT_PATH)));
  // On Workers these paths are answered by Static Assets before the Worker runs; here they come
  // from deps (Node), and without them (a Worker without its assets directory) they are 404.
  for (const file of DOCS_ASSET_FILES) {
    const bytes = deps.docsAssets?.[file];
    if (bytes) app.get(`${DOCS_ASSET_PREFIX}/${file}`, asset(bytes, contentType(file)));
  }
  return app;
}
