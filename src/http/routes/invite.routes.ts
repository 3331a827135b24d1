import { Hono } from 'hono';
import { isUnmeetError } from '../../domain/errors';
import type { Deps } from '../../services/deps';
import { peekInvitation } from '../../services/invitations';
import type { AppEnv } from '../app';
import { preSessionToken } from '../middleware/session';
import { pickLocale } from '../views/i18n';
import { InvitePage, InviteProblemPage } from '../views/invite-page';

/**
 * `GET /invite/{token}` (public): the page an invitation link opens. It shows the workspace and
 * the role, and offers the ways to sign in; it never uses the invitation up, because mail
 * gateways fetch every link in a mail to scan it. Accepting happens after sign-in
 * (`acceptInvitation`), once the person's address is verified.
 */
export function inviteRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get('/invite/:token', async (c) => {
    const token = c.req.param('token');
    const locale = pickLocale({ chosen: c.req.query('lang'), acceptLanguage: c.req.header('accept-language') });
    // The token is in the URL: keep the page out of caches (secureHeaders already sends no referrer).
    c.header('Cache-Control', 'no-store');
    try {
      const invitation = await peekInvitation(deps, token);
      const csrf = await preSessionToken(c, deps);
      const page = InvitePage({
        locale,
        path: c.req.path,
        token,
        workspaceName: invitation.workspaceName,
        role: invitation.role,
        email: invitation.email,
        expiresAt: invitation.expiresAt,
        csrf,
      });
      return c.html(page, 200);
    } catch (error) {
      if (!isUnmeetError(error) || !error.code.startsWith('invitation.')) throw error;
      return c.html(InviteProblemPage({ locale, path: c.req.path, code: error.code }), error.status);
    }
  });
  return app;
}
