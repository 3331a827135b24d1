import { z } from '@hono/zod-openapi';

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
