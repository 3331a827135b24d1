import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { html } from 'hono/html';
import type { Context } from 'hono';
import { isUnmeetError } from '../../domain/errors';
import { memberErrors } from '../../domain/error-codes/member';
import { oauthErrors } from '../../domain/error-codes/oauth';
import { roleAtLeast } from '../../domain/roles';
import { OTHER_ACCOUNT_RULE, type ConnectOutcome, type OAuthStarter } from '../../services/oauth-connections';
import type { AppEnv } from '../app';
import { errorResponses, secured } from './shared';

const page = (title: string, message: string) =>
  html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title} · unmeet</title></head><body style="font-family:system-ui;max-width:36rem;margin:4rem auto;line-height:1.5"><h1>${title}</h1><p>${message}</p></body></html>`;

type CallbackQuery = { code?: string | undefined; state?: string | undefined; error?: string | undefined };

type ConnectOptions = {
  provider: 'google' | 'microsoft';
  calendarName: string;
  start: (workspaceId: string, memberId: string, starter: OAuthStarter) => Promise<string>;
  complete: (query: CallbackQuery) => Promise<ConnectOutcome>;
};

/** Whether the caller is the member's own signed-in person. */
const isOwnMember = (c: Context<AppEnv>, memberId: string) => {
  const principal = c.get('principal');
  return principal.kind === 'session' && principal.personId !== null && principal.memberId === memberId;
};

/**
 * Who may start a connection for `memberId`: the member's own person (recorded on the consent),
 * or an admin for any member of the workspace. Anyone else hears "no such member", as for any
 * member's data that is not theirs: the answer says nothing about which members exist. (Not an
 * `auth.*` code: those mean the caller's role is too low, and a member's role is enough here.)
 */
function starterFor(c: Context<AppEnv>, memberId: string): OAuthStarter {
  if (isOwnMember(c, memberId)) return { personId: (c.get('principal') as { personId: string }).personId };
  if (roleAtLeast(c.get('role'), 'admin')) return {};
  throw memberErrors.not_found(`No member ${memberId} of yours in this workspace.`);
}

/** Naming another account is the member's own confirmation: an admin (who may see the member) is told why not. */
function requireOwnMember(c: Context<AppEnv>, memberId: string): string {
  if (isOwnMember(c, memberId)) return (c.get('principal') as { personId: string }).personId;
  if (roleAtLeast(c.get('role'), 'admin')) throw oauthErrors.not_own_member(OTHER_ACCOUNT_RULE);
  throw memberErrors.not_found(`No member ${memberId} of yours in this workspace.`);
}

const connectBody = z.object({
  memberId: z.string().min(1).max(64),
  account: z.string().trim().email().max(320).openapi({ description: 'The address of the account that will grant access (e.g. a personal address for a work member).' }),
});

/**
 * "Connect <vendor> calendar", the same for every OAuth vendor (both hang under the API's
 * authenticated sub-app):
 *  - `GET /v1/connect/{provider}?memberId=` redirects to the consent screen. A member may start
 *    it for their own member, an admin for anyone; the grant must come from the member's email.
 *  - `POST /v1/connect/{provider}` `{memberId, account}`: the member, signed in as themselves,
 *    confirms that another account of theirs will grant access; it answers the consent URL.
 *    Nobody else may name another account, admins included.
 */
export function registerConnectStart(api: OpenAPIHono<AppEnv>, options: Pick<ConnectOptions, 'provider' | 'calendarName' | 'start'>): void {
  api.openapi(
    secured('member', {
      method: 'get',
      path: `/connect/${options.provider}`,
      tags: ['Connections'],
      summary: `Start connecting a member's ${options.calendarName}: redirects to the consent screen`,
      description:
        'A member may connect their own calendar (another member\'s id answers 404); an admin any member\'s. The account that grants access must have the member\'s email, or the callback refuses it (`oauth.account_mismatch`).',
      request: { query: z.object({ memberId: z.string().min(1).max(64) }) },
      responses: { 302: { description: 'Redirect to the consent screen (the Location header holds its URL)' }, ...errorResponses },
    }),
    async (c) => {
      const { memberId } = c.req.valid('query');
      return c.redirect(await options.start(c.get('workspaceId'), memberId, starterFor(c, memberId)), 302);
    },
  );

  api.openapi(
    secured(
      'member',
      {
        method: 'post',
        path: `/connect/${options.provider}`,
        tags: ['Connections'],
        summary: `Connect your own ${options.calendarName} through another account of yours`,
        description:
          'Only the member, signed in as themselves, may confirm another account: an API key gets 403 `auth.person_required`, an admin naming someone else\'s member 403 `oauth.not_own_member`, another member 404. The callback then accepts a grant from that account only, and only if the vendor vouches for its address.',
        request: { body: { content: { 'application/json': { schema: connectBody } }, required: true } },
        responses: {
          200: {
            description: 'The consent URL to open in the browser, and the account it expects',
            content: { 'application/json': { schema: z.object({ authorizeUrl: z.string(), expectedAccount: z.string() }) } },
          },
          ...errorResponses,
        },
      },
      { person: true },
    ),
    async (c) => {
      const { memberId, account } = c.req.valid('json');
      const personId = requireOwnMember(c, memberId);
      const expectedAccount = account.toLowerCase();
      const authorizeUrl = await options.start(c.get('workspaceId'), memberId, { personId, expectedAccount });
      return c.json({ authorizeUrl, expectedAccount }, 200);
    },
  );
}

/**
 * `GET /oauth/{provider}/callback` (public: the signed single-use state identifies the member)
 * finishes a consent and answers a small page for the person's browser.
 */
export function registerConnectCallback(app: OpenAPIHono<AppEnv>, options: Pick<ConnectOptions, 'provider' | 'calendarName' | 'complete'>): void {
  app.get(`/oauth/${options.provider}/callback`, async (c) => {
    try {
      const { reconnected } = await options.complete({ code: c.req.query('code'), state: c.req.query('state'), error: c.req.query('error') });
      return reconnected
        ? c.html(page(`${options.calendarName} reconnected`, 'The existing connection has its access back and is syncing everything again. You can close this tab.'))
        : c.html(page(`${options.calendarName} connected`, 'The first sync has started. You can close this tab.'));
    } catch (error) {
      if (!isUnmeetError(error)) throw error;
      return c.html(page('Not connected', error.message), error.status === 422 ? 400 : error.status);
    }
  });
}
