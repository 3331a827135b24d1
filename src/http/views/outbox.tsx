import type { OutboxPageMessage, OutboxPageView } from '../../services/outbox-page';
import type { Locale } from './i18n';
import { Layout, type PageContext } from './layout';
import { outboxTexts } from './texts/outbox';

type Texts = ReturnType<typeof outboxTexts>;

/** Transports by the name an attempt records (proper names: the same in every language). */
const TRANSPORT_NAMES: Record<string, string> = { smtp: 'SMTP', gmail: 'Gmail', graph: 'Outlook', google: 'Gmail', microsoft: 'Outlook' };

// One formatter per locale and zone: a page formats dozens of instants in a few zones.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** An instant as a date and time in `timeZone`, labelled with that zone (the recipient's). */
export function formatInstant(locale: Locale, ms: number, timeZone: string): string {
  const key = `${locale} ${timeZone}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === 'id' ? 'id-ID' : 'en-US', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone,
      timeZoneName: 'short',
    });
    formatters.set(key, format);
  }
  return format.format(ms);
}

/** The sentence under a message's state: until when, through what, or why not. */
function detail(x: Texts, locale: Locale, m: OutboxPageMessage): string {
  const when = (ms: number) => formatInstant(locale, ms, m.timeZone);
  const reason = m.lastError ?? x.noReason;
  switch (m.state) {
    case 'waiting':
      return x.waitingDetail(when(m.deliverAfter));
    case 'due':
      return x.dueDetail(when(m.deliverAfter));
    case 'stuck':
      return x.stuckDetail;
    case 'retrying':
      return x.retryingDetail(when(m.deliverAfter), reason);
    case 'connection':
      return x.connectionDetail(when(m.deliverAfter), reason);
    case 'held':
      return m.unconfirmed ? x.unconfirmedDetail(m.recipient) : x.heldDetail(reason);
    case 'sending':
      return x.sendingDetail(m.attempts);
    case 'sent':
      return x.sentDetail(when(m.sentAt ?? m.deliverAfter), TRANSPORT_NAMES[m.transport ?? ''] ?? m.transport ?? '—');
    case 'failed':
      return x.failedDetail(reason, m.attempts);
    case 'unknown':
      return x.unknownDetail(reason);
    case 'cancelled':
      return x.cancelledDetail(reason);
  }
}

const STATE_CLASS: Record<OutboxPageMessage['state'], string> = {
  waiting: 'status-pending',
  due: 'status-pending',
  retrying: 'status-pending',
  sending: 'status-syncing',
  stuck: 'status-error',
  connection: 'status-error',
  held: 'status-error',
  failed: 'status-error',
  unknown: 'status-error',
  sent: 'status-ok',
  cancelled: '',
};

function Pager(props: { x: Texts; page: number; hasNext: boolean }) {
  const { x, page, hasNext } = props;
  if (page === 1 && !hasNext) return null;
  return (
    <nav class="pager row-actions" aria-label={x.pages}>
      {page > 1 ? (
        <a class="button small secondary" href={`/outbox?page=${page - 1}`} rel="prev">
          {`← ${x.newer}`}
        </a>
      ) : null}
      <span class="muted" aria-current="page">
        {x.page(page)}
      </span>
      {hasNext ? (
        <a class="button small secondary" href={`/outbox?page=${page + 1}`} rel="next">
          {`${x.older} →`}
        </a>
      ) : null}
    </nav>
  );
}

/** The Outbox page: a table on wide screens, a stack of cards on a phone (see the outbox CSS block). */
export function OutboxPage(props: { ctx: PageContext; view: OutboxPageView }) {
  const { ctx, view } = props;
  const { locale } = ctx;
  const x = outboxTexts(locale);
  const mode = {
    smtp: x.modeSmtp,
    organizer: x.modeOrganizer(view.provider === 'microsoft' ? 'Outlook' : 'Google'),
    outbox: x.modeOutbox,
    unavailable: x.modeUnavailable,
  }[view.readiness];
  return (
    <Layout ctx={ctx} title={x.title}>
      <h1>{x.title}</h1>
      <p class="lead">{x.lead}</p>
      <p class={`notice${view.readiness === 'outbox' || view.readiness === 'unavailable' ? ' error' : ''}`} data-testid="outbox-mode" data-mode={view.readiness}>
        {mode}
      </p>
      {view.messages.length === 0 ? (
        <p class="empty">{x.empty}</p>
      ) : (
        <div class="card">
          <table class="data outbox" data-testid="outbox-table">
            <thead>
              <tr>
                <th scope="col">{x.colTo}</th>
                <th scope="col">{x.colSubject}</th>
                <th scope="col">{x.colKind}</th>
                <th scope="col">{x.colStatus}</th>
                <th scope="col">{x.colQueued}</th>
              </tr>
            </thead>
            <tbody>
              {view.messages.map((m) => (
                <tr data-message={m.id} data-state={m.state}>
                  <td data-label={x.colTo} class="recipient">
                    {m.recipient}
                  </td>
                  <td data-label={x.colSubject} class="wrap">
                    {m.subject}
                  </td>
                  <td data-label={x.colKind}>{x.kind[m.kind]}</td>
                  <td data-label={x.colStatus} class="wrap">
                    <span class={`badge ${STATE_CLASS[m.state]}`}>{x.state[m.state]}</span>
                    <span class="small-text" data-testid="outbox-detail">
                      {detail(x, locale, m)}
                    </span>
                    {m.exportable ? (
                      <span class="small-text">
                        <a href={`/v1/outbox/${encodeURIComponent(m.id)}/eml`} download={`${m.id}.eml`}>
                          {x.eml}
                        </a>{' '}
                        {x.emlHint}
                      </span>
                    ) : null}
                  </td>
                  <td data-label={x.colQueued}>{formatInstant(locale, m.createdAt, m.timeZone)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager x={x} page={view.page} hasNext={view.hasNext} />
    </Layout>
  );
}
