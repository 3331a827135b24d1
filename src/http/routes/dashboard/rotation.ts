/**
 * Fair rotation: managers plan and preview; committing to everyone's burden ledger is an admin's call.
 *
 * The router runs past the usual 80 lines only because it lists its pages' routes, each with
 * the role it needs; the handlers are short and leave the work to services.
 */
import { Hono } from 'hono';
import { DateTime } from 'luxon';
import { isUnmeetError } from '../../../domain/errors';
import type { MemberRow } from '../../../db/members.repository';
import type { Deps } from '../../../services/deps';
import { commitRotation, getRotation, previewRotation, rotationIcs, type RotationView } from '../../../services/rotation';
import { scopedLedger } from '../../../services/team-views';
import { rotationInput } from '../../../services/rotation-input';
import { messages, type Messages } from '../../views/i18n';
import { RotationPage, type RotationFormValues } from '../../views/rotation';
import { first, list, type Ctx, type DashEnv, type Kit, type Notice } from './kit';

/** A validation problem as a sentence naming the form's field, never a schema path. */
function humanIssue(t: Messages, issue: { path: PropertyKey[]; code: string; message: string }, participants: Array<{ email: string }>): string {
  const [head, index, field] = issue.path;
  const range: Record<string, [string, number, number]> = {
    durationMinutes: [t.rotDuration, 5, 480],
    occurrences: [t.rotOccurrences, 1, 104],
    cadence: [t.rotEvery, 1, 52],
  };
  if (head === 'title') return t.rotFieldInvalid(t.rotTitle, t.rotRuleRequired);
  if (head === 'startDate') return t.rotFieldInvalid(t.rotStart, t.rotRuleDate);
  if (typeof head === 'string' && range[head]) {
    const [label, min, max] = range[head] as [string, number, number];
    return t.rotFieldInvalid(label, t.rotRuleRange(min, max));
  }
  if (head === 'participants' && typeof index === 'number') {
    const who = participants[index]?.email || `#${index + 1}`;
    return t.rotFieldInvalid(`${t.rotParticipants} (${who})`, field === 'timeZone' ? t.rotRuleZone : t.rotRuleEmail);
  }
  return t.rotFieldInvalid(t.rotParticipants, t.rotRuleRequired);
}

export function rotationRoutes(deps: Deps, kit: Kit) {
  const app = new Hono<DashEnv>();
  const { page, render, failure, localeOf } = kit;

  const defaultValues = (members: MemberRow[]): RotationFormValues => ({
    title: 'Team sync',
    durationMinutes: 60,
    every: 1,
    unit: 'week',
    occurrences: 8,
    startDate: DateTime.fromMillis(deps.clock(), { zone: 'utc' }).startOf('week').plus({ weeks: 1 }).toISODate()!,
    participants: members.map((m) => m.email),
    extra: '',
  });

  // The submitted values come back from the stored request, so a preview keeps the form as sent.
  const valuesOf = (rotation: RotationView, members: MemberRow[], stored: unknown): RotationFormValues => {
    const input = rotationInput.safeParse(stored);
    const emails = rotation.ledger.map((l) => l.email);
    const known = new Set(members.map((m) => m.email));
    return {
      ...defaultValues(members),
      title: rotation.title,
      durationMinutes: rotation.durationMinutes,
      ...(input.success ? { every: input.data.cadence.every, unit: input.data.cadence.unit, startDate: input.data.startDate, occurrences: input.data.occurrences } : {}),
      participants: emails.filter((e) => known.has(e)),
      extra: rotation.ledger
        .filter((l) => !known.has(l.email))
        .map((l) => `${l.email} ${l.timeZone}`)
        .join('\n'),
    };
  };

  async function rotationPage(c: Ctx, values: RotationFormValues | undefined, rotation: RotationView | undefined, notice?: Notice, status: 200 | 422 = 200) {
    const session = c.get('session');
    const members = await deps.repos.members.list(session.workspaceId);
    const ledger = await scopedLedger(deps, session);
    const stored = rotation ? (await deps.repos.rotations.get(session.workspaceId, rotation.id))?.input : undefined;
    const formValues = values ?? (rotation ? valuesOf(rotation, members, stored) : defaultValues(members));
    return c.html(await render(c, session, (ctx) => RotationPage({ ctx, members, values: formValues, rotation, ledger }), members, notice), status);
  }

  app.get('/rotation', page('manager'), (c) => rotationPage(c, undefined, undefined));

  app.post('/rotation', page('manager'), async (c) => {
    const form = c.get('form');
    const values: RotationFormValues = {
      title: first(form.title).slice(0, 200),
      durationMinutes: Number(first(form.durationMinutes)) || 60,
      every: Number(first(form.every)) || 1,
      unit: first(form.unit) === 'day' ? 'day' : 'week',
      occurrences: Number(first(form.occurrences)) || 1,
      startDate: first(form.startDate),
      participants: list(form.participant),
      extra: first(form.extra).slice(0, 5000),
    };
    const extra = values.extra
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => {
        const [email = '', timeZone] = line.split(/[\s,;]+/);
        return { email: email.toLowerCase(), ...(timeZone ? { timeZone } : {}) };
      });
    const participants = [...values.participants.map((email) => ({ email })), ...extra];
    const t = messages(await localeOf(c));
    if (participants.length === 0) return rotationPage(c, values, undefined, { kind: 'error', text: t.rotNoParticipants }, 422);
    const parsed = rotationInput.safeParse({
      title: values.title,
      durationMinutes: values.durationMinutes,
      cadence: { every: values.every, unit: values.unit },
      occurrences: values.occurrences,
      startDate: values.startDate,
      participants,
    });
    if (!parsed.success) {
      const detail = [...new Set(parsed.error.issues.map((i) => humanIssue(t, i, participants)))].join(' ');
      return rotationPage(c, values, undefined, { kind: 'error', text: detail }, 422);
    }
    try {
      const rotation = await previewRotation(deps, c.get('session').workspaceId, parsed.data);
      return c.redirect(`/rotation/${encodeURIComponent(rotation.id)}`, 303);
    } catch (error) {
      if (isUnmeetError(error) && error.status === 422) return rotationPage(c, values, undefined, { kind: 'error', text: error.message, code: error.code }, 422);
      return failure(c, error);
    }
  });

  app.get('/rotation/:id', page('manager'), async (c) => {
    try {
      const rotation = await getRotation(deps, c.get('session').workspaceId, c.req.param('id'));
      return await rotationPage(c, undefined, rotation);
    } catch (error) {
      return failure(c, error);
    }
  });

  app.get('/rotation/:id/ics', page('manager'), async (c) => {
    try {
      const ics = await rotationIcs(deps, c.get('session').workspaceId, c.req.param('id'));
      return c.body(ics, 200, { 'content-type': 'text/calendar; charset=utf-8', 'content-disposition': 'attachment; filename="rotation.ics"' });
    } catch (error) {
      return failure(c, error);
    }
  });

  app.post('/rotation/:id/commit', page('admin'), async (c) => {
    const id = c.req.param('id');
    try {
      await commitRotation(deps, c.get('session').workspaceId, id);
      return c.redirect(`/rotation/${encodeURIComponent(id)}?ok=committed`, 303);
    } catch (error) {
      return failure(c, error);
    }
  });

  return app;
}
