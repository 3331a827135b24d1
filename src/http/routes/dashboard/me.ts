/**
 * "My week": a signed-in person's own numbers (with what each one means), the series they
 * organize that are flagged, their focus plan, their rotation burden, whether managers may see
 * their numbers by name, and their own calendar connections. Every query here is keyed by the
 * session's own member row: nothing on these pages can name another person.
 *
 * The router runs past the usual 80 lines only because it lists its pages' routes, each with
 * the role it needs; the handlers are short and leave the work to services.
 */
import { Hono } from 'hono';
import { DateTime } from 'luxon';
import { isUnmeetError } from '../../../domain/errors';
import { connectionErrors } from '../../../domain/error-codes/connection';
import { weekContaining } from '../../../domain/privacy';
import type { MemberRow } from '../../../db/members.repository';
import { auditWorkspace } from '../../../services/audit';
import { disconnect } from '../../../services/connections';
import type { Deps } from '../../../services/deps';
import { listFlags } from '../../../services/flags';
import { startGoogleConnect } from '../../../services/google';
import { startMicrosoftConnect } from '../../../services/microsoft';
import { rotationLedger } from '../../../services/rotation';
import { connectIcs } from '../../../services/sync';
import { getDigestChoice, setDigestChoice } from '../../../services/digest';
import { MyConnectionsPage, MyWeekPage, type MyWeek } from '../../views/me';
import { connectionHealth } from '../../../services/sync-health';
import { icsUrlOf } from './connections';
import { first, isDate, type Ctx, type DashEnv, type Kit, type Notice } from './kit';
import { loadFocus } from './reports';

/** Everything "My week" shows, for one member over one local week (`from` a Monday). */
export async function loadMyWeek(deps: Deps, workspaceId: string, member: MemberRow, from?: string): Promise<Omit<MyWeek, 'share'>> {
  const week = from
    ? { from: DateTime.fromISO(from, { zone: 'utc' }).startOf('week').toISODate()!, to: DateTime.fromISO(from, { zone: 'utc' }).startOf('week').plus({ weeks: 1 }).toISODate()! }
    : weekContaining(deps.clock(), member.timeZone);
  const audit = await auditWorkspace(deps, workspaceId, { ...week, member: member.id });
  // Flags over the four weeks ending with the one shown: a weekly series needs a few occurrences to score.
  const flagFrom = DateTime.fromISO(week.from, { zone: 'utc' }).minus({ weeks: 3 }).toISODate()!;
  const flags = await listFlags(deps, workspaceId, { from: flagFrom, to: week.to, organizer: member.email, includeDecided: true });
  const focus = (await loadFocus(deps, workspaceId, [member])).members[0] ?? null;
  const burden = (await rotationLedger(deps, workspaceId)).people.find((p) => p.email === member.email) ?? null;
  return { range: week, member, metrics: audit.members[0]?.metrics ?? null, flags: flags.series, currency: flags.currency, focus, burden };
}

export function meRoutes(deps: Deps, kit: Kit) {
  const app = new Hono<DashEnv>();
  const { page, render, failure, localeOf } = kit;
  const mine = page('member', { person: true });

  /** The session's own member row (the calendar that is theirs), if one exists yet. */
  const ownMember = async (c: Ctx): Promise<MemberRow | undefined> => {
    const { workspaceId, memberId } = c.get('session');
    return memberId ? deps.repos.members.get(workspaceId, memberId) : undefined;
  };
  const shareOf = async (c: Ctx) => {
    const { workspaceId, personId } = c.get('session');
    return (await deps.repos.people.membership(workspaceId, personId!))?.shareNumbers ?? false;
  };

  app.get('/me', mine, async (c) => {
    const session = c.get('session');
    try {
      const member = await ownMember(c);
      const from = c.req.query('from');
      const week = member ? { ...(await loadMyWeek(deps, session.workspaceId, member, isDate(from) ? from : undefined)), share: await shareOf(c) } : null;
      const digest = { ...(await getDigestChoice(deps, session)), changed: (await kit.readFlash<{ kind: string }>(c))?.kind === 'digest' };
      return c.html(await render(c, session, (ctx) => MyWeekPage({ ctx, week, share: week?.share ?? false, digest })));
    } catch (error) {
      return failure(c, error);
    }
  });

  // The sharing choice is the person's alone: it names them to managers and admins, or stops it.
  app.post('/me/share', mine, async (c) => {
    const { workspaceId, personId } = c.get('session');
    await deps.repos.people.setShare(workspaceId, personId!, first(c.get('form').share) === 'true');
    return c.redirect('/me?ok=shared', 303);
  });

  // The digest choice, like sharing, is the person's alone; the page after the redirect says what is now stored.
  app.post('/me/digest', mine, async (c) => {
    const stored = await setDigestChoice(deps, c.get('session'), first(c.get('form').optIn) === 'true');
    return kit.redirectWithFlash(c, '/me', { kind: 'digest', optIn: stored.optIn });
  });

  async function connectionsPage(c: Ctx, notice?: Notice, status: 200 | 422 = 200) {
    const session = c.get('session');
    const member = await ownMember(c);
    const connections = member ? (await deps.repos.connections.list(session.workspaceId)).filter((x) => x.memberId === member.id) : [];
    const share = await shareOf(c);
    const providers = { google: !!deps.google, microsoft: !!deps.microsoft };
    const health = await connectionHealth(deps, connections, await localeOf(c));
    return c.html(await render(c, session, (ctx) => MyConnectionsPage({ ctx, member: member ?? null, connections, providers, share, health }), undefined, notice), status);
  }

  app.get('/me/connections', mine, (c) => connectionsPage(c));

  /** Runs a connection action on the person's own member row; expected failures stay on the page. */
  const onOwnMember = (action: (c: Ctx, member: MemberRow) => Promise<Response>) => async (c: Ctx) => {
    try {
      const member = await ownMember(c);
      if (!member) return connectionsPage(c, { kind: 'error', text: (await kit.pageContext(c, c.get('session'))).t.meNoMember }, 422);
      return await action(c, member);
    } catch (error) {
      if (isUnmeetError(error) && error.status !== 404) return connectionsPage(c, { kind: 'error', text: error.message, code: error.code }, 422);
      return failure(c, error);
    }
  };

  app.post(
    '/me/connections/ics',
    mine,
    onOwnMember(async (c, member) => {
      await connectIcs(deps, c.get('session').workspaceId, member.id, { url: icsUrlOf(first(c.get('form').url)) });
      return c.redirect('/me/connections?ok=connected', 303);
    }),
  );

  for (const [provider, start] of [['google', startGoogleConnect], ['microsoft', startMicrosoftConnect]] as const) {
    app.post(
      `/me/connections/${provider}`,
      mine,
      onOwnMember(async (c, member) => c.redirect(await start(deps, c.get('session').workspaceId, member.id, { personId: c.get('session').personId! }), 303)),
    );
  }

  // Only a connection of the person's own member row: another id is "not found", as in the API.
  app.post(
    '/me/connections/:id/disconnect',
    mine,
    onOwnMember(async (c, member) => {
      const { workspaceId } = c.get('session');
      const connection = await deps.repos.connections.get(workspaceId, c.req.param('id') ?? '');
      if (!connection || connection.memberId !== member.id) throw connectionErrors.not_found('No such connection of yours.');
      await disconnect(deps, workspaceId, connection.id);
      return c.redirect('/me/connections?ok=disconnected', 303);
    }),
  );

  return app;
}
