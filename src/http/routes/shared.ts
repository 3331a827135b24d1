import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
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
  401: { description: 'Missing or invalid API key', content: problemContent },
  404: { description: 'Not found in this workspace', content: problemContent },
  413: { description: 'Body too large', content: problemContent },
  422: { description: 'Invalid input', content: problemContent },
} as const;

export const idParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });

/** For routes that answer with {@link cachedJson}. */
export const notModifiedResponse = { 304: { description: 'Not modified: `If-None-Match` named the current ETag' } } as const;

const etagMatches = (header: string | undefined, etag: string) =>
  header !== undefined && header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*');

/**
 * A JSON answer computed once per workspace data version (see `memoized`) and kept encoded, so
 * a hit costs neither serializing nor encoding a report that runs to hundreds of kilobytes for a
 * large team. It carries a strong ETag (a digest of the bytes): a client that sends it back in
 * `If-None-Match` gets an empty 304 until the data changes.
 */
export async function cachedJson(
  c: Context<AppEnv>,
  deps: Pick<Deps, 'repos' | 'memo'>,
  name: string,
  params: unknown,
  compute: () => Promise<unknown>,
): Promise<Response> {
  const { bytes, etag } = await memoized(deps, c.get('workspaceId'), name, params, async () => {
    const bytes = new TextEncoder().encode(JSON.stringify(await compute())) as Uint8Array<ArrayBuffer>;
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return { bytes, etag: `"${toBase64Url(digest.subarray(0, 16))}"` };
  });
  const headers = { etag, 'cache-control': 'private, no-cache' };
  if (etagMatches(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
  return c.body(bytes, 200, { ...headers, 'content-type': 'application/json' });
}
