import { createRoute, z, type RouteConfig } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Role } from '../../domain/roles';
import { requirePerson, requireRole } from '../middleware/auth';
import { toBase64Url } from '../../providers/token-vault';
import type { Deps } from '../../services/deps';
import { memoized } from '../../services/memo';
import type { AppEnv } from '../app';

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ example: 'member.not_found' }),
    detail: z.string(),
  })
  .openapi('Problem');

const problemContent = { 'application/problem+json': { schema: problemSchema } };

/** The failures every authenticated route can answer with (RFC 9457 problem+json). */
export const errorResponses = {
  400: { description: 'Malformed request', content: problemContent },
  401: { description: 'Missing or invalid API key, or the session has ended', content: problemContent },
  403: { description: 'The caller\'s role does not allow this (`auth.forbidden`)', content: problemContent },
  404: { description: 'Not found in this workspace', content: problemContent },
  413: { description: 'Body too large', content: problemContent },
  422: { description: 'Invalid input', content: problemContent },
} as const;

/** Either credential opens every protected operation; the role decides what it may do there. */
export const API_SECURITY: Array<Record<string, string[]>> = [{ apiKey: [] }, { session: [] }];

/**
 * A protected operation: it declares the least role it needs (`x-unmeet-role` in /openapi.json,
 * enforced by its own middleware), and the credentials that open it. With `person`, it is about
 * the signed-in person ("my week"), so an API key is refused (`x-unmeet-person`). Hangs under
 * the authenticated sub-app, which has already established who is calling.
 */
export function secured<R extends RouteConfig>(role: Role, route: R, options: { person?: boolean } = {}) {
  return createRoute({
    ...route,
    security: API_SECURITY,
    'x-unmeet-role': role,
    ...(options.person ? { 'x-unmeet-person': true } : {}),
    middleware: options.person ? [requireRole(role), requirePerson] : [requireRole(role)],
  });
}

export const idParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });

/** For routes that answer with {@link cachedJson}. */
export const notModifiedResponse = { 304: { description: 'Not modified: `If-None-Match` named the current ETag' } } as const;

const etagMatches = (header: string | undefined, etags: string[]) =>
  header !== undefined &&
  header.split(',').some((raw) => {
    const tag = raw.trim().replace(/^W\//, '');
    return tag === '*' || etags.includes(tag);
  });

/** Request bodies: JSON is small; an ICS upload may be a few years of a busy calendar. */
export const BODY_LIMITS = { json: 256 * 1024, ics: 10 * 1024 * 1024 };

/** Whether `Accept-Encoding` admits gzip (listed, or `*`, without `q=0`). */
export const acceptsGzip = (header: string | undefined) =>
  header !== undefined &&
  header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    return (coding === 'gzip' || coding === '*') && !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
  });

/** Gzip of `bytes` through CompressionStream (Node and Workers alike). */
export async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * A JSON answer computed once per workspace data version (see `memoized`) and kept encoded, so
 * a hit costs neither serializing nor encoding a report that runs to hundreds of kilobytes for a
 * large team; with `gzipReports`, also kept compressed for clients that accept gzip. Each
 * representation has its own strong ETag (a digest of the bytes, `.gz` for the compressed one):
 * a client that sends it back in `If-None-Match` gets an empty 304 until the data changes.
 */
export async function cachedJson(
  c: Context<AppEnv>,
  deps: Pick<Deps, 'repos' | 'memo' | 'gzipReports'>,
  name: string,
  params: unknown,
  compute: () => Promise<unknown>,
  /** The workspace's data version when already read in this request (see `memoized`). */
  dataVersion?: number,
): Promise<Response> {
  const report = await memoized(deps, c.get('workspaceId'), name, params, async () => {
    const bytes = new TextEncoder().encode(JSON.stringify(await compute())) as Uint8Array<ArrayBuffer>;
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    const tag = toBase64Url(digest.subarray(0, 16));
    return { bytes, etag: `"${tag}"`, gzipped: deps.gzipReports && bytes.length > 1024 ? await gzip(bytes) : null, gzipEtag: `"${tag}.gz"` };
  }, dataVersion);
  const compressed = report.gzipped !== null && acceptsGzip(c.req.header('accept-encoding'));
  const etag = compressed ? report.gzipEtag : report.etag;
  const headers: Record<string, string> = { etag, 'cache-control': 'private, no-cache', ...(report.gzipped && { vary: 'Accept-Encoding' }) };
  if (etagMatches(c.req.header('if-none-match'), [report.etag, report.gzipEtag])) return c.body(null, 304, headers);
  if (compressed) return c.body(report.gzipped!, 200, { ...headers, 'content-type': 'application/json', 'content-encoding': 'gzip' });
  return c.body(report.bytes, 200, { ...headers, 'content-type': 'application/json' });
}
