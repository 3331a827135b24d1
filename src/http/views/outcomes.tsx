/**
 * What an action actually did, as the page it redirects to shows it once (from a flash): per
 * member for "apply focus", per message for a queued suggestion. Never a bare "Done." when
 * nothing was written: a skipped member says why.
 */
import type { ApplyResult } from '../../services/focus-apply';
import { DateTime } from 'luxon';
import type { Messages } from './i18n';
import type { PageContext } from './layout';

/** One member's result of "apply focus" as the flash carries it: the service's result without the address. */
export type FocusOutcomeMember = Omit<ApplyResult, 'email'>;

export type Flash =
  | { kind: 'focus'; members: FocusOutcomeMember[] }
  | { kind: 'queued'; status: 'queued' | 'held' | 'outbox' | 'connection'; to: string; deliverAfter: number; timeZone: string; confirmationQueued: boolean }
  | { kind: 'apiKey'; key: string }
  /** People page: invitation outcomes (with links shown once) and a removal's report; typed by their services. */
  | { kind: 'invites'; outcomes: unknown[] }
  | { kind: 'removed'; report: unknown };

const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));

/** One member's outcome as a sentence: written, unchanged, or skipped with the reason. */
export function focusOutcomeText(t: Messages, m: FocusOutcomeMember): string {
  if (m.status === 'no_calendar') return t.focusOutcomeNoCalendar;
  if (m.status === 'unsupported') return t.focusOutcomeUnsupported;
  if (m.status === 'disabled') return t.focusOutcomeDisabled;
  const wrote = m.created + m.moved + m.deleted > 0;
  const parts = [wrote ? fill(t.focusOutcomeWritten, { created: m.created, moved: m.moved, deleted: m.deleted, kept: m.kept }) : fill(t.focusOutcomeUnchanged, { kept: m.kept })];
  if (m.failed > 0) parts.push(fill(t.focusOutcomeFailed, { failed: m.failed, errors: m.errors.slice(0, 3).join('; ') }));
  if (m.respected > 0) parts.push(fill(t.focusOutcomeRespected, { respected: m.respected }));
  return parts.join('; ');
}

/** The per-member report of "apply focus"; members not to be named appear as a count. */
export function FocusOutcome(props: { ctx: PageContext; rows: Array<{ name: string; outcome: FocusOutcomeMember }>; unnamed: number }) {
  const { t } = props.ctx;
  const failed = props.rows.some((r) => r.outcome.failed > 0);
  return (
    <section class={`notice ${failed ? 'error' : 'ok'}`} role={failed ? 'alert' : 'status'} data-testid="focus-outcome" aria-labelledby="focus-outcome-title">
      <h2 id="focus-outcome-title">{t.focusOutcomeTitle}</h2>
      {props.rows.length === 0 && props.unnamed === 0 ? <p>{t.focusOutcomeNobody}</p> : null}
      <ul>
        {props.rows.map((r) => (
          <li data-member={r.outcome.memberId} data-status={r.outcome.status}>
            <strong>{r.name}</strong>: {focusOutcomeText(t, r.outcome)}
          </li>
        ))}
        {props.unnamed > 0 ? <li>{fill(t.focusOutcomeUnnamed, { n: props.unnamed })}</li> : null}
      </ul>
    </section>
  );
}

/** The sentence for a queued suggestion: queued (when, in the recipient's zone), held, or kept in the outbox. */
export function queueOutcomeText(t: Messages, flash: Extract<Flash, { kind: 'queued' }>): string {
  const when = DateTime.fromMillis(flash.deliverAfter, { zone: flash.timeZone }).toFormat("yyyy-MM-dd HH:mm '('ZZZZ')'");
  const values = { to: flash.to, when };
  if (flash.status === 'held') return `${fill(t.queueOutcomeHeld, values)}${flash.confirmationQueued ? ` ${t.queueOutcomeConfirmation}` : ''}`;
  if (flash.status === 'outbox') return fill(t.queueOutcomeOutbox, values);
  return fill(t.queueOutcomeQueued, values);
}
