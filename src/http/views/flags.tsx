/**
 * The flagged-meetings page and the email preview. `FlagsPage` runs past the usual 80 lines: it is
 * the one template of that page (what "Queue it" will do, the table or its phone cards, the
 * decisions), read top to bottom as the page is; rows and notices are components of their own.
 */
import { reasonSentence } from '../../domain/flag-reason-text';
import type { listFlags } from '../../services/flags';
import { sendsAutomatically, type MailReadiness } from '../../services/outbox-page';
import { formatMoney, type Locale, type Messages } from './i18n';
import { Csrf, Layout, type PageContext } from './layout';
import { formatInstant } from './outbox';
import { noticeTexts } from './texts/notices';

export type FlagRow = Awaited<ReturnType<typeof listFlags>>['series'][number];
export const FLAG_SORT_KEYS = ['title', 'organizer', 'score', 'verdict', 'cost'] as const;
export type FlagSortKey = (typeof FLAG_SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';

/** A reason in the page's language; a dampener keeps its factor, written the locale's way. */
export function reasonText(locale: Locale, r: FlagRow['reasons'][number]): string {
  const sentence = reasonSentence(r, locale);
  const factor = r.params.factor;
  return typeof factor === 'number' ? `${sentence} (×${new Intl.NumberFormat(locale === 'id' ? 'id-ID' : 'en-US', { maximumFractionDigits: 2 }).format(factor)})` : sentence;
}

const VERDICT_RANK = { keep: 0, 'consider-async': 1, async: 2 } as const;

/**
 * Orders flagged series for the table: by title, organizer, score, verdict (keep <
 * consider-async < async) or yearly cost; ties by score then title, so the order is stable.
 */
export function sortFlags(rows: readonly FlagRow[], key: FlagSortKey, dir: SortDir): FlagRow[] {
  const value = (r: FlagRow): string | number => {
    switch (key) {
      case 'title':
        return r.title.toLowerCase();
      case 'organizer':
        return r.organizer ?? '';
      case 'score':
        return r.score;
      case 'verdict':
        return VERDICT_RANK[r.verdict];
      case 'cost':
        return r.cost.personHoursPerYear;
    }
  };
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    const primary = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return sign * primary || b.score - a.score || a.title.localeCompare(b.title);
  });
}

function SortHeader(props: { t: Messages; label: string; column: FlagSortKey; sort: FlagSortKey; dir: SortDir; numeric?: boolean; range: string }) {
  const active = props.sort === props.column;
  const next: SortDir = active ? (props.dir === 'asc' ? 'desc' : 'asc') : props.numeric ? 'desc' : 'asc';
  return (
    <th scope="col" class={props.numeric ? 'num' : undefined} aria-sort={active ? (props.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
      <a href={`/flags?${props.range}sort=${props.column}&dir=${next}`} data-sort={props.column} aria-label={`${props.t.sortBy} ${props.label}`}>
        {props.label}
        <span aria-hidden="true" class="sort-mark">
          {active ? (props.dir === 'asc' ? ' ▲' : ' ▼') : ' ⇅'}
        </span>
      </a>
    </th>
  );
}

const verdictLabel = (t: Messages, v: FlagRow['verdict']) => t[`verdict_${v}`];

function DecideForm(props: { ctx: PageContext; seriesKey: string; decision: 'keep' | 'converted'; label: string }) {
  return (
    <form method="post" action="/flags/decide" class="inline">
      <Csrf token={props.ctx.session!.csrf} />
      <input type="hidden" name="seriesKey" value={props.seriesKey} />
      <input type="hidden" name="decision" value={props.decision} />
      <button type="submit" class="small secondary">
        {props.label}
      </button>
    </form>
  );
}

/** What "Queue it" will do for this organizer, said beside the button before the click (null: it sends). */
function queueNote(ctx: PageContext, mail: MailReadiness | undefined, organizer: string | null): string | null {
  if (!mail || sendsAutomatically(mail, organizer)) return null;
  const x = noticeTexts(ctx.locale);
  if (mail.mode === 'unavailable') return x.mailUnavailableShort;
  if (mail.mode === 'organizer') return x.organizerCannotSend(providerLabel(mail.provider));
  return ctx.t.queueOutboxOnly;
}

const providerLabel = (provider: 'google' | 'microsoft') => (provider === 'google' ? 'Google' : 'Outlook');

/** What "Keep" or "Converted" recorded, for the page the decision redirects to. */
export function decidedText(locale: Locale, title: string, decided: { decision: 'keep' | 'converted'; keepDays: number | null }): string {
  const x = noticeTexts(locale);
  return decided.decision === 'keep' ? x.decidedKeep(title, decided.keepDays ?? 0) : x.decidedConverted(title);
}

/** The outcome of a suggestion queued for an organizer who cannot send it yet (see QueueForm's note). */
export function queuedForConnectionText(locale: Locale, flash: { to: string; deliverAfter: number; timeZone: string }, mail: MailReadiness): string {
  const provider = providerLabel(mail.mode === 'organizer' ? mail.provider : 'google');
  return noticeTexts(locale).queuedForConnection(flash.to, provider, formatInstant(locale, flash.deliverAfter, flash.timeZone));
}

export function QueueForm(props: { ctx: PageContext; seriesKey: string; range: { from: string; to: string }; mail?: MailReadiness | undefined; organizer?: string | null }) {
  const { t } = props.ctx;
  const note = queueNote(props.ctx, props.mail, props.organizer ?? null);
  const noteId = `queue-note-${props.seriesKey}`;
  return (
    <form method="post" action="/flags/queue" class="inline" data-confirm={t.confirmQueue}>
      <Csrf token={props.ctx.session!.csrf} />
      <input type="hidden" name="seriesKey" value={props.seriesKey} />
      <input type="hidden" name="from" value={props.range.from} />
      <input type="hidden" name="to" value={props.range.to} />
      <button type="submit" class="small" disabled={props.mail?.mode === 'unavailable'} {...(note ? { 'aria-describedby': noteId } : {})}>
        {t.queue}
      </button>
      {note ? (
        <span class="queue-note" id={noteId} data-testid="queue-note">
          {note}
        </span>
      ) : null}
    </form>
  );
}

/** The page-level notice when "Queue it" would not send by itself (null when it does, for everyone). */
function MailNotice(props: { ctx: PageContext; mail: MailReadiness | undefined }) {
  const { ctx, mail } = props;
  if (!mail || mail.mode === 'smtp') return null;
  const x = noticeTexts(ctx.locale);
  const [testId, text] =
    mail.mode === 'unavailable'
      ? ['queue-unavailable', x.mailUnavailable]
      : mail.mode === 'outbox'
        ? ['queue-no-transport', ctx.t.queueNoTransport]
        : ['queue-organizer', x.organizerMode(providerLabel(mail.provider))];
  return (
    <p class="notice" id={testId} data-testid={testId}>
      {text}
      {mail.mode === 'unavailable' ? null : (
        <>
          {' '}
          <a href="/outbox">{x.seeOutbox}</a>
        </>
      )}
    </p>
  );
}

export function FlagsPage(props: {
  ctx: PageContext;
  range: { from: string; to: string };
  currency: string;
  rows: FlagRow[];
  sort: FlagSortKey;
  dir: SortDir;
  /** How suggestion mail would leave: what "Queue it" cannot do is said before the click. */
  mail?: MailReadiness | undefined;
}) {
  const { ctx, rows, sort, dir } = props;
  const { t, locale } = ctx;
  const rangeQuery = `from=${props.range.from}&to=${props.range.to}&`;
  const header = (label: string, column: FlagSortKey, numeric = false) => (
    <SortHeader t={t} label={label} column={column} sort={sort} dir={dir} numeric={numeric} range={rangeQuery} />
  );
  return (
    <Layout ctx={ctx} title={t.navFlags}>
      <div class="page-head">
        <h1>{t.flagsTitle}</h1>
        <form method="get" class="picker">
          <label>
            {t.rangeStart}
            <input type="date" name="from" value={props.range.from} required />
          </label>
          <label>
            {t.rangeEnd}
            <input type="date" name="to" value={props.range.to} required />
          </label>
          <button type="submit">{t.show}</button>
        </form>
      </div>
      <p class="lead">{t.flagsLead}</p>
      <MailNotice ctx={ctx} mail={props.mail} />
      {rows.length === 0 ? (
        <p class="empty">{t.flagsNone}</p>
      ) : (
        <div class="table-scroll card" role="region" aria-label={t.flagsTitle} tabindex={0}>
          <table class="data flags stack" data-testid="flags-table">
            <thead>
              <tr>
                {header(t.colTitle, 'title')}
                {header(t.colOrganizer, 'organizer')}
                {header(t.colScore, 'score', true)}
                {header(t.colVerdict, 'verdict')}
                <th scope="col">{t.colReasons}</th>
                {header(t.colCost, 'cost', true)}
                <th scope="col">{t.colDecision}</th>
                <th scope="col">{t.colActions}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr data-series={row.seriesKey}>
                  <th scope="row" class="title-cell">
                    <span class="title">{row.title}</span>
                    <span class="muted small-text">{`${row.occurrences}× · ${row.attendeeCount} · ${row.durationMinutes} ${t.minutes}`}</span>
                  </th>
                  <td data-label={t.colOrganizer}>{row.organizer ?? '—'}</td>
                  <td class="num" data-key="score" data-label={t.colScore}>
                    <span class={`score score-${row.verdict}`}>{String(row.score)}</span>
                  </td>
                  <td data-label={t.colVerdict}>
                    <span class={`badge verdict-${row.verdict}`}>{verdictLabel(t, row.verdict)}</span>
                  </td>
                  <td class="reasons-cell" data-label={t.colReasons}>
                    <ul class="reasons">
                      {row.reasons.map((r) => (
                        <li>
                          <span class={`points ${r.points < 0 ? 'neg' : ''}`}>{r.points > 0 ? `+${r.points}` : String(r.points)}</span> {reasonText(locale, r)}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td class="num" data-key="cost" data-value={String(row.cost.personHoursPerYear)} data-label={t.colCost}>
                    {row.cost.moneyPerYear !== null ? <span>{formatMoney(locale, row.cost.moneyPerYear, props.currency)}</span> : null}
                    <span class={row.cost.moneyPerYear !== null ? 'muted small-text' : undefined}>{`${Math.round(row.cost.personHoursPerYear)} ${t.hours}`}</span>
                  </td>
                  <td data-label={t.colDecision}>{row.decision ? t[`decision_${row.decision.decision}`] : <span class="muted">{t.decisionNone}</span>}</td>
                  <td class="actions" data-label={t.colActions}>
                    {row.verdict !== 'keep' && row.decision ? <span class="muted small-text">{t.queueDecided}</span> : null}
                    {row.verdict !== 'keep' && !row.decision ? (
                      <>
                        <a class="button small secondary" href={`/flags/preview?series=${encodeURIComponent(row.seriesKey)}&from=${props.range.from}&to=${props.range.to}`}>
                          {t.preview}
                        </a>
                        <QueueForm ctx={ctx} seriesKey={row.seriesKey} range={props.range} mail={props.mail} organizer={row.organizer} />
                      </>
                    ) : null}
                    <DecideForm ctx={ctx} seriesKey={row.seriesKey} decision="keep" label={t.markKeep} />
                    <DecideForm ctx={ctx} seriesKey={row.seriesKey} decision="converted" label={t.markConverted} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export function PreviewPage(props: {
  ctx: PageContext;
  seriesKey: string;
  range: { from: string; to: string };
  to: string;
  subject: string;
  text: string;
  deliverAfter: string;
  /** The email's language: the recipient's, whatever the page's (marked so screen readers switch voice). */
  emailLang: Locale;
  mail?: MailReadiness | undefined;
  organizer?: string;
}) {
  const { ctx } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.previewTitle}>
      <p>
        <a href={`/flags?from=${props.range.from}&to=${props.range.to}`}>← {t.previewBack}</a>
      </p>
      <section class="card email-preview" aria-labelledby="preview-title">
        <h1 id="preview-title">{t.previewTitle}</h1>
        <dl class="meta">
          <dt>{t.previewTo}</dt>
          <dd>{props.to}</dd>
          <dt>{t.previewSubject}</dt>
          <dd data-testid="preview-subject" lang={props.emailLang}>{props.subject}</dd>
          <dt>{t.previewDeliver}</dt>
          <dd>{props.deliverAfter}</dd>
        </dl>
        <pre class="email-body" data-testid="preview-body" tabindex={0} lang={props.emailLang}>
          {props.text}
        </pre>
        <QueueForm ctx={ctx} seriesKey={props.seriesKey} range={props.range} mail={props.mail} organizer={props.organizer ?? null} />
      </section>
    </Layout>
  );
}
