/**
 * Signing in and out of the dashboard. People sign in with Google, Microsoft or a one-time email
 * link (the public /auth/* routes of the sign-in service do the work; this page only offers what
 * the server has configured). An operator may still sign in with an API key, folded away below.
 */
import { Hono } from 'hono';
import type { Deps } from '../../../services/deps';
import { endAllSessions } from '../../../services/sessions';
import { preSessionToken, readSession, signInWithKey, signOut, verifyCsrf } from '../../middleware/session';
import { ErrorPage, SignInPage, type SignInOptions } from '../../views/layout';
import type { DashEnv, Kit } from './kit';

/** Which ways in this server offers: OAuth apps configured, and a mail transport for links. */
export const signInOptions = (deps: Pick<Deps, 'google' | 'microsoft' | 'mail'>): SignInOptions => ({
  google: !!deps.google,
  microsoft: !!deps.microsoft,
  email: !!deps.mail?.transport,
});

export function signInRoutes(deps: Deps, kit: Kit) {
  const app = new Hono<DashEnv>();
  const { headers, page, render } = kit;
  const options = signInOptions(deps);

  app.get('/sign-in', headers, async (c) => {
    if (await readSession(c, deps)) return c.redirect('/', 303);
    const csrf = await preSessionToken(c, deps);
    const expired = c.req.query('expired') === '1';
    const sent = c.req.query('sent') === '1';
    return c.html(await render(c, undefined, (ctx) => SignInPage({ ctx, csrf, options, expired, sent })));
  });

  app.post('/sign-in', headers, async (c) => {
    const form = (await c.req.parseBody()) as Record<string, string>;
    if (!(await verifyCsrf(c, deps, 'pre', form._csrf))) {
      return c.html(await render(c, undefined, (ctx) => ErrorPage({ ctx, title: ctx.t.errorTitle, message: ctx.t.forbidden })), 403);
    }
    if (await signInWithKey(c, deps, typeof form.apiKey === 'string' ? form.apiKey : '')) return c.redirect('/', 303);
    const csrf = await preSessionToken(c, deps);
    return c.html(await render(c, undefined, (ctx) => SignInPage({ ctx, csrf, options, failed: true, keyOpen: true })), 401);
  });

  // Sign-out deletes the session row: the cookie stops working in every copy of it.
  app.post('/sign-out', page('member'), async (c) => {
    await signOut(c, deps);
    return c.redirect('/sign-in', 303);
  });

  /** Every session of this person, in every workspace and browser. */
  app.post('/sign-out/everywhere', page('member', { person: true }), async (c) => {
    await endAllSessions(deps, c.get('session').personId!);
    await signOut(c, deps);
    return c.redirect('/sign-in', 303);
  });

  return app;
}
