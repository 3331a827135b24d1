import { OpenAPIHono, z } from '@hono/zod-openapi';
import { setCookie } from 'hono/cookie';
import { ROLES } from '../../domain/roles';
import type { Deps } from '../../services/deps';
import { endAllSessions } from '../../services/sessions';
import type { AppEnv } from '../app';
import { isSecureRequest, SESSION_COOKIE } from '../middleware/session';
import { errorResponses, secured } from './shared';

const meSchema = z
  .object({
    person: z.object({ id: z.string(), email: z.string(), name: z.string(), locale: z.enum(['en', 'id']) }),
    workspaces: z.array(z.object({ id: z.string(), name: z.string(), role: z.enum(ROLES) })),
    current: z.object({ workspaceId: z.string(), role: z.enum(ROLES) }),
  })
  .openapi('Me');

const mePatch = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    locale: z.enum(['en', 'id']).optional(),
  })
  .strict();

/** The signed-in person: who they are, where they belong, and signing out of every session. API keys have no person (403). */
export function meRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();

  const load = async (c: { get(key: 'principal'): AppEnv['Variables']['principal'] }) => {
    const principal = c.get('principal');
    const personId = principal.kind === 'session' ? principal.personId! : '';
    const person = (await deps.repos.people.get(personId))!;
    const workspaces = await deps.repos.people.workspacesOf(personId);
    return {
      person: { id: person.id, email: person.email, name: person.name, locale: person.locale === 'id' ? ('id' as const) : ('en' as const) },
      workspaces: workspaces.map((w) => ({ id: w.workspaceId, name: w.name, role: w.role })),
      current: { workspaceId: principal.workspaceId, role: principal.role },
    };
  };

  app.openapi(
    secured(
      'member',
      {
        method: 'get',
        path: '/',
        tags: ['Me'],
        summary: 'The signed-in person, their workspaces and roles',
        responses: { 200: { description: 'The person', content: { 'application/json': { schema: meSchema } } }, ...errorResponses },
      },
      { person: true },
    ),
    async (c) => c.json(await load(c), 200),
  );

  app.openapi(
    secured(
      'member',
      {
        method: 'patch',
        path: '/',
        tags: ['Me'],
        summary: 'Change your name or language (en, id)',
        request: { body: { required: true, content: { 'application/json': { schema: mePatch } } } },
        responses: { 200: { description: 'The person as changed', content: { 'application/json': { schema: meSchema } } }, ...errorResponses },
      },
      { person: true },
    ),
    async (c) => {
      const patch = c.req.valid('json');
      const principal = c.get('principal');
      if (principal.kind === 'session' && (patch.name !== undefined || patch.locale !== undefined)) {
        await deps.repos.people.update(principal.personId!, patch);
      }
      return c.json(await load(c), 200);
    },
  );

  app.openapi(
    secured(
      'member',
      {
        method: 'post',
        path: '/sign-out-everywhere',
        tags: ['Me'],
        summary: 'End every session of the signed-in person, this one included',
        responses: {
          200: { description: 'Every session ended', content: { 'application/json': { schema: z.object({ signedOut: z.literal('everywhere') }) } } },
          ...errorResponses,
        },
      },
      { person: true },
    ),
    async (c) => {
      const principal = c.get('principal');
      if (principal.kind === 'session') await endAllSessions(deps, principal.personId!);
      setCookie(c, SESSION_COOKIE, '', { httpOnly: true, secure: isSecureRequest(c, deps.publicUrl), sameSite: 'Strict', path: '/', maxAge: 0 });
      return c.json({ signedOut: 'everywhere' as const }, 200);
    },
  );

  return app;
}
