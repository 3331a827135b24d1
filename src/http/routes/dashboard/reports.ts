/**
 * Team pages: the heat map, flagged meetings and focus (the overview is in overview.ts). Each declares its role;
 * for a signed-in person the per-person rows follow the privacy rule (see visibility.ts), while
 * an operator's API-key session sees every member as before.
 *
 * The router runs past the usual 80 lines only because it lists its pages' routes, each with
 * the role it needs; the handlers are short and leave the work to services.
 */
import { Hono, type Context } from 'hono';
import { DateTime } from 'luxon';
import { isUnmeetError } from '../../../domain/errors';
import { emailLocale } from '../../../domain/suggestion-email';
import { requestErrors } from '../../../domain/error-codes/request';
import type { MemberRow } from '../../../db/members.repository';
import { loadHeatmaps, resolveWeeks } from '../../../services/dashboard';
import type { Deps } from '../../../services/deps';
import { decideSeries, defaultFlagRange } from '../../../services/flags';
import { applyFocus, planMemberFocus, setMemberFocus } from '../../../services/focus';
import { mailReadiness, sendsAutomatically } from '../../../services/outbox-page';
import { prepareSuggestion, queueSuggestion } from '../../../services/suggestions';
import { scopedFlags, viewerScope } from '../../../services/team-views';
import type { DashboardSession } from '../../middleware/session';
import { decidedText, FLAG_SORT_KEYS, FlagsPage, PreviewPage, queuedForConnectionText, sortFlags, type FlagSortKey, type SortDir } from '../../views/flags';
import { FocusPage, focusToggledText, type FocusView } from '../../views/focus';
import { HeatmapPage } from '../../views/heatmap';
import { ErrorPage } from '../../views/layout';
import { queueOutcomeText, type Flash } from '../../views/outcomes';
import { first, isDate, type Ctx, type DashEnv, type Kit, type Notice } from './kit';
import { memberVisibility, type Visibility } from '../../../domain/privacy';

/** What this session may see by name among the workspace's members (the same scope the API applies). */
export async function visibilityFor(deps: Deps, session: DashboardSession, members: readonly MemberRow[]): Promise<Visibility> {
  const [scope, workspace] = await Promise.all([viewerScope(deps, session), deps.repos.workspaces.get(session.workspaceId)]);
  return memberVisibility({ memberIds: members.map((m) => m.id), hidden: scope.hiddenMemberIds, minGroupSize: workspace?.minGroupSize });
}

/** Focus plans of the given members: blocks we already keep in the calendar are "protected", new ones "planned". */
export async function loadFocus(deps: Deps, workspaceId: string, members: readonly MemberRow[]): Promise<FocusView> {
  const views: FocusView['members'] = [];
  let days: string[] = [];
  // A Google / Outlook connection whose grant expired writes nothing until it is reconnected.
  const expired = new Set((await deps.repos.connections.list(workspaceId)).filter((c) => c.provider !== 'ics' && c.status === 'needs_reauth').map((c) => c.memberId));
  for (const member of members) {
    const p = await planMemberFocus(deps, workspaceId, member);
    if (days.length === 0) {
      const start = DateTime.fromISO(p.range.from, { zone: 'utc' });
      days = Array.from({ length: 7 }, (_, i) => start.plus({ days: i }).toISODate()!).filter((d) => d < p.range.to);
    }
    const blocks = p.plan.blocks.map((b) => ({ start: b.start, end: b.end, kind: b.existingId !== null ? ('protected' as const) : ('planned' as const) }));
    const hours = (kind: 'planned' | 'protected') => Math.round((blocks.filter((b) => b.kind === kind).reduce((sum, b) => sum + b.end - b.start, 0) / 3_600_000) * 100) / 100;
    views.push({
      memberId: member.id,
      email: member.email,
      name: member.name,
      timeZone: member.timeZone,
      targetHours: p.plan.targetHours,
      achievableHours: p.plan.achievableHours,
      plannedHours: hours('planned'),
      protectedHours: hours('protected'),
      enabled: p.enabled,
      missedReason: p.plan.missedReason,
      blocks,
      writable: p.target !== null,
      mustReconnect: p.target === null && expired.has(member.id),
    });
  }
  return { days, members: views, canApply: true, canToggle: true };
}

/** What a flags or focus form did, shown once on the page it redirects to. */
type PageFlash =
  | Flash
  | { kind: 'decided'; seriesKey: string; decision: 'keep' | 'converted'; keepDays: number | null }
  | { kind: 'focusToggled'; memberId: string; enabled: boolean; removed: number; failed: number };

const DAY_MS = 86_400_000;

export function reportRoutes(deps: Deps, kit: Kit) {
  const app = new Hono<DashEnv>();
  const { page, render, failure, pageContext } = kit;

  // --- heat map (managers and up; the overview is in overview.ts) ---------------------------------

  app.get('/heatmap', page('manager'), async (c) => {
    const session = c.get('session');
    const range = resolveWeeks(deps.clock(), { from: c.req.query('from'), weeks: c.req.query('weeks') });
    const all = await loadHeatmaps(deps, session.workspaceId, range);
    const seen = await visibilityFor(deps, session, all.map((h) => h.member));
    const heatmaps = all.filter((h) => seen.named.has(h.member.id));
    return c.html(await render(c, session, (ctx) => HeatmapPage({ ctx, range, heatmaps, unnamed: seen.unnamed }), all.map((h) => h.member)));
  });

  // --- flagged meetings (admins: they decide and send suggestions) ------------------------------

  const flagRange = (c: Context) => {
    const from = c.req.query('from');
    const to = c.req.query('to');
    return defaultFlagRange(deps.clock(), { from: isDate(from) ? from : undefined, to: isDate(to) ? to : undefined });
  };

  async function flagsPage(c: Ctx, notice?: Notice, status: 200 | 404 | 409 | 422 = 200) {
    const session = c.get('session');
    const flash = status === 200 && !notice ? await kit.readFlash<PageFlash>(c) : undefined;
    const { t, locale } = await pageContext(c, session);
    const mail = await mailReadiness(deps, session.workspaceId);
    if (flash?.kind === 'queued') notice = { kind: 'ok', text: flash.status === 'connection' ? queuedForConnectionText(locale, flash, mail) : queueOutcomeText(t, flash) };
    const sortParam = c.req.query('sort');
    const sort: FlagSortKey = (FLAG_SORT_KEYS as readonly string[]).includes(sortParam ?? '') ? (sortParam as FlagSortKey) : 'score';
    const dir: SortDir = c.req.query('dir') === 'asc' ? 'asc' : c.req.query('dir') === 'desc' ? 'desc' : sort === 'title' || sort === 'organizer' ? 'asc' : 'desc';
    const result = await scopedFlags(deps, session, { ...flagRange(c), includeDecided: true });
    const rows = sortFlags(result.series, sort, dir);
    if (flash?.kind === 'decided') notice = { kind: 'ok', text: decidedText(locale, rows.find((r) => r.seriesKey === flash.seriesKey)?.title ?? flash.seriesKey, flash) };
    return c.html(await render(c, session, (ctx) => FlagsPage({ ctx, range: result.range, currency: result.currency, rows, sort, dir, mail }), undefined, notice), status);
  }

  app.get('/flags', page('admin'), async (c) => {
    try {
      return await flagsPage(c);
    } catch (error) {
      return failure(c, error);
    }
  });

  app.get('/flags/preview', page('admin'), async (c) => {
    const session = c.get('session');
    const seriesKey = c.req.query('series') ?? '';
    const range = flagRange(c);
    if (!deps.mail) return c.html(await render(c, session, (ctx) => ErrorPage({ ctx, title: ctx.t.previewTitle, message: ctx.t.mailUnavailable })), 501);
    try {
      const [prepared, mail] = await Promise.all([prepareSuggestion(deps, session.workspaceId, seriesKey, range), mailReadiness(deps, session.workspaceId)]);
      const deliverAfter = DateTime.fromMillis(prepared.deliverAfter, { zone: prepared.recipient.timeZone }).toFormat("yyyy-MM-dd HH:mm '('ZZZZ')'");
      const to = `${prepared.recipient.name} <${prepared.recipient.email}>`;
      return c.html(await render(c, session, (ctx) => PreviewPage({ ctx, seriesKey, range, to, subject: prepared.email.subject, text: prepared.email.text, deliverAfter, emailLang: emailLocale(prepared.recipient.locale), mail, organizer: prepared.recipient.email })));
    } catch (error) {
      return failure(c, error);
    }
  });

  app.post('/flags/queue', page('admin'), async (c) => {
    const form = c.get('form');
    const from = first(form.from);
    const to = first(form.to);
    try {
      const workspaceId = c.get('session').workspaceId;
      const queued = await queueSuggestion(deps, workspaceId, first(form.seriesKey), { from: isDate(from) ? from : undefined, to: isDate(to) ? to : undefined });
      const recipient = await deps.repos.members.getByEmail(workspaceId, queued.recipient);
      const mail = await mailReadiness(deps, workspaceId);
      // A queued message that nothing will send says where it waits: for the organizer's connection, or in the outbox.
      const waits = queued.status === 'queued' && !sendsAutomatically(mail, queued.recipient);
      const flash: Flash = {
        kind: 'queued',
        status: waits ? (mail.mode === 'organizer' ? 'connection' : 'outbox') : queued.status,
        to: queued.recipient,
        deliverAfter: queued.deliverAfter,
        timeZone: recipient?.timeZone ?? 'UTC',
        confirmationQueued: queued.confirmationQueued,
      };
      return kit.redirectWithFlash(c, `/flags${isDate(from) && isDate(to) ? `?from=${from}&to=${to}` : ''}`, flash);
    } catch (error) {
      if (isUnmeetError(error) && error.status !== 404) return flagsPage(c, { kind: 'error', text: error.message, code: error.code }, 409);
      return failure(c, error);
    }
  });

  app.post('/flags/decide', page('admin'), async (c) => {
    const form = c.get('form');
    const decision = first(form.decision);
    try {
      if (decision !== 'keep' && decision !== 'converted') throw requestErrors.invalid('decision must be keep or converted.');
      const decided = await decideSeries(deps, c.get('session').workspaceId, { seriesKey: first(form.seriesKey), decision, decidedBy: 'dashboard' });
      const keepDays = decided.expiresAt !== null ? Math.round((decided.expiresAt - deps.clock()) / DAY_MS) : null;
      const flash: PageFlash = { kind: 'decided', seriesKey: decided.seriesKey, decision, keepDays };
      return kit.redirectWithFlash(c, '/flags', flash);
    } catch (error) {
      return failure(c, error);
    }
  });

  // --- focus (admins: applying writes into calendars) -------------------------------------------

  app.get('/focus', page('admin'), async (c) => {
    const session = c.get('session');
    try {
      const members = await deps.repos.members.list(session.workspaceId);
      const seen = await visibilityFor(deps, session, members);
      const focus = await loadFocus(deps, session.workspaceId, members.filter((m) => seen.named.has(m.id)));
      const flash = await kit.readFlash<PageFlash>(c);
      const toggled = flash?.kind === 'focusToggled' ? flash : undefined;
      const outcome =
        flash?.kind === 'focus'
          ? {
              rows: flash.members.flatMap((o) => (seen.named.has(o.memberId) ? [{ name: members.find((m) => m.id === o.memberId)?.name ?? o.memberId, outcome: o }] : [])),
              unnamed: flash.members.filter((o) => !seen.named.has(o.memberId)).length,
            }
          : undefined;
      const named = toggled && seen.named.has(toggled.memberId) ? members.find((m) => m.id === toggled.memberId)?.name : undefined;
      const notice = toggled ? { kind: 'ok' as const, text: focusToggledText(await kit.localeOf(c, () => members), named, toggled) } : undefined;
      return c.html(await render(c, session, (ctx) => FocusPage({ ctx, focus, unnamed: seen.unnamed, outcome }), members, notice));
    } catch (error) {
      return failure(c, error);
    }
  });

  app.post('/focus/apply', page('admin'), async (c) => {
    if (first(c.get('form').confirm) !== 'yes') return c.redirect('/focus', 303); // nothing is written without the confirmation
    try {
      const applied = await applyFocus(deps, c.get('session').workspaceId);
      const members = applied.members.map(({ memberId, status, created, moved, deleted, kept, failed, respected, errors }) => ({ memberId, status, created, moved, deleted, kept, failed, respected, errors }));
      const flash: Flash = { kind: 'focus', members };
      return kit.redirectWithFlash(c, '/focus', flash);
    } catch (error) {
      return failure(c, error);
    }
  });

  app.post('/focus/enable', page('admin'), async (c) => {
    const form = c.get('form');
    try {
      const set = await setMemberFocus(deps, c.get('session').workspaceId, first(form.memberId), { enabled: first(form.enabled) === 'true' });
      const flash: PageFlash = { kind: 'focusToggled', memberId: set.memberId, enabled: set.enabled, removed: set.removedBlocks, failed: set.failedRemovals };
      return kit.redirectWithFlash(c, '/focus', flash);
    } catch (error) {
      return failure(c, error);
    }
  });

  return app;
}
