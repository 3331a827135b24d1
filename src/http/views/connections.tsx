import type { ConnectionRow } from '../../db/connections.repository';
import type { MemberRow } from '../../db/members.repository';
import type { ApiKey } from '../../db/workspaces.repository';
import type { StoredSyncWarnings } from '../../db/schema';
import { summariseIcsWarnings } from '../../domain/ics-warnings';
import type { SyncHealth } from '../../domain/sync-health';
import type { Messages } from './i18n';
import { Csrf, Layout, type PageContext } from './layout';
import { icsImportTexts } from './texts/ics-import';

/** Which providers this server can connect (configured OAuth apps; ICS always). */
export interface ProviderAvailability {
  google: boolean;
  microsoft: boolean;
  /** Whether the Outlook connection exists in this build at all. */
  microsoftBuilt: boolean;
}

const PROVIDER_NAMES = { ics: 'ICS', google: 'Google', microsoft: 'Outlook' } as const;

const statusLabel = (t: Messages, status: ConnectionRow['status']) => t[`status_${status}`];

function formatInstant(ms: number | null, locale: string, timeZone: string, never: string) {
  if (ms === null) return never;
  // Labelled with its zone: one page shows times in several members' zones and in UTC.
  return new Intl.DateTimeFormat(locale === 'id' ? 'id-ID' : 'en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(ms);
}

/**
 * One connection in a list: what it is, its status, its sync health as a sentence with what to do
 * (last sync, push or polling, throttling, lost access; a workaround of the last day), and
 * disconnect. The admin's Connections page and a member's own calendars show the same item.
 */
export function ConnectionItem(props: { ctx: PageContext; connection: ConnectionRow; health: SyncHealth | undefined; disconnectAction: string }) {
  const { t } = props.ctx;
  const c = props.connection;
  return (
    <li data-connection={c.id}>
      <span class="provider">{PROVIDER_NAMES[c.provider]}</span>
      <span class="label">{c.label}</span>
      <span class={`badge status-${c.status}`}>
        <span class="sr-only">{`${t.connStatus}: `}</span>
        {statusLabel(t, c.status)}
      </span>
      {props.health ? (
        <span class={`small-text health ${props.health.lastError ? 'error-text' : 'muted'}`} data-health={props.health.state}>
          {props.health.message}
        </span>
      ) : null}
      {props.health?.notice ? <span class="muted small-text">{props.health.notice}</span> : null}
      {c.syncWarnings ? <ImportWarnings ctx={props.ctx} warnings={c.syncWarnings} /> : null}
      <ConfirmButton action={props.disconnectAction} csrf={props.ctx.session!.csrf} confirm={t.confirmDisconnect} label={t.disconnect} target={c.label} />
    </li>
  );
}

/** What the last ICS import left out or repaired, one sentence per kind, in the viewer's language; the time in UTC, labelled. */
function ImportWarnings(props: { ctx: PageContext; warnings: StoredSyncWarnings }) {
  const { locale } = props.ctx;
  const tx = icsImportTexts(locale);
  const total = Object.values(props.warnings.counts).reduce((n, c) => n + c, 0);
  const when = formatInstant(props.warnings.at, locale, 'UTC', '');
  return (
    <details class="small-text ics-warnings" data-warnings={String(total)}>
      <summary>{tx.heading(total, new Intl.NumberFormat(locale).format(total), when)}</summary>
      <p class="muted">{tx.lead}</p>
      <ul class="plain">
        {summariseIcsWarnings(props.warnings.counts, props.warnings.items, locale).map((sentence) => (
          <li>{sentence}</li>
        ))}
      </ul>
    </details>
  );
}

/** "Connect …" for an OAuth provider: a form post (CSRF-checked) that redirects to its consent screen. */
function ConnectButton(props: { ctx: PageContext; provider: 'google' | 'microsoft'; memberId: string; enabled: boolean; label: string }) {
  return (
    <form method="post" action={`/connections/${props.provider}`} class="inline">
      <Csrf token={props.ctx.session!.csrf} />
      <input type="hidden" name="memberId" value={props.memberId} />
      <button type="submit" class="small" disabled={!props.enabled} title={props.enabled ? undefined : props.ctx.t.notConfigured}>
        {props.label}
      </button>
    </form>
  );
}

/** A small form that posts to `action` after the page's confirm prompt; `target` names what it acts on for screen readers. */
function ConfirmButton(props: { action: string; csrf: string; confirm: string; label: string; target: string }) {
  return (
    <form method="post" action={props.action} class="inline" data-confirm={props.confirm}>
      <Csrf token={props.csrf} />
      <button type="submit" class="small secondary">
        {props.label}
        <span class="sr-only">{` ${props.target}`}</span>
      </button>
    </form>
  );
}

function MemberConnections(props: { ctx: PageContext; member: MemberRow; connections: ConnectionRow[]; providers: ProviderAvailability; health: ReadonlyMap<string, SyncHealth> }) {
  const { ctx, member, providers } = props;
  const { t } = ctx;
  const csrf = ctx.session!.csrf;
  const id = member.id.replace(/[^A-Za-z0-9_-]/g, '');
  return (
    <section class="card member-connections" aria-labelledby={`m-${id}`} data-member={member.email}>
      <h2 id={`m-${id}`}>
        {member.name} <span class="muted small-text">{`${member.email} · ${member.timeZone}`}</span>
      </h2>
      {props.connections.length === 0 ? (
        <p class="empty">{t.connNone}</p>
      ) : (
        <ul class="connections">
          {props.connections.map((c) => (
            <ConnectionItem ctx={ctx} connection={c} health={props.health.get(c.id)} disconnectAction={`/connections/${encodeURIComponent(c.id)}/disconnect`} />
          ))}
        </ul>
      )}
      <div class="connect-actions">
        <ConnectButton ctx={ctx} provider="google" memberId={member.id} enabled={providers.google} label={t.connectGoogle} />
        {providers.microsoftBuilt ? (
          <ConnectButton ctx={ctx} provider="microsoft" memberId={member.id} enabled={providers.microsoft} label={t.connectOutlook} />
        ) : (
          <button type="button" class="small" disabled title={t.notConfigured}>
            {t.connectOutlook}
          </button>
        )}
        <details>
          <summary>{t.connectIcs}</summary>
          <form method="post" action="/connections/ics" class="stack">
            <Csrf token={csrf} />
            <input type="hidden" name="memberId" value={member.id} />
            <label for={`ics-${id}`}>{t.icsUrl}</label>
            <input id={`ics-${id}`} name="url" type="url" required maxlength={2048} placeholder="https://…/basic.ics" />
            <button type="submit" class="small">
              {t.connect}
            </button>
          </form>
        </details>
      </div>
    </section>
  );
}

/** The workspace's API keys: list (prefix and label only), create (the key shown once), revoke. */
function ApiKeys(props: { ctx: PageContext; keys: ApiKey[]; newKey?: string | undefined }) {
  const { ctx } = props;
  const { t, locale } = ctx;
  const csrf = ctx.session!.csrf;
  return (
    <section class="card" aria-labelledby="keys-title" data-testid="api-keys">
      <h2 id="keys-title">{t.keysTitle}</h2>
      <p class="lead">{t.keysLead}</p>
      {props.newKey ? (
        <div class="notice ok" role="status">
          <p>{t.keyNewNotice}</p>
          <code id="new-key" data-testid="new-key">{props.newKey}</code>{' '}
          <button type="button" class="small secondary" data-copy="new-key" data-copied={t.keyCopied}>
            {t.keyCopy}
          </button>
        </div>
      ) : null}
      <table>
        <thead>
          <tr>
            <th scope="col">{t.keyPrefix}</th>
            <th scope="col">{t.keyLabel}</th>
            <th scope="col">{t.keyCreated}</th>
            <th scope="col">{t.keyState}</th>
            <th scope="col">
              <span class="sr-only">{t.keyRevoke}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.keys.map((k) => (
            <tr data-key={k.id}>
              <td>
                <code>{`${k.prefix}…`}</code>
              </td>
              <td>{k.label ?? ''}</td>
              <td>{formatInstant(k.createdAt, locale, 'UTC', t.connNever)}</td>
              <td>{k.revokedAt === null ? t.keyActive : t.keyRevokedState}</td>
              <td>
                {k.revokedAt === null ? (
                  <ConfirmButton action={`/connections/keys/${encodeURIComponent(k.id)}/revoke`} csrf={csrf} confirm={t.confirmRevoke} label={t.keyRevoke} target={k.prefix} />
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="post" action="/connections/keys" class="inline">
        <Csrf token={csrf} />
        <label for="key-label">{t.keyLabel}</label>
        <input id="key-label" name="label" type="text" maxlength={100} />
        <button type="submit" class="small">
          {t.keyCreate}
        </button>
      </form>
    </section>
  );
}

export function ConnectionsPage(props: {
  ctx: PageContext;
  members: MemberRow[];
  connections: ConnectionRow[];
  providers: ProviderAvailability;
  keys: ApiKey[];
  newKey?: string | undefined;
  /** Sync health per connection id, its sentences in the page's language. */
  health: ReadonlyMap<string, SyncHealth>;
}) {
  const { ctx } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.navConnections}>
      <h1>{t.connectionsTitle}</h1>
      <p class="lead">{t.connectionsLead}</p>
      {props.members.length === 0 ? <p class="empty">
          {t.noMembers} <a href="/people">{t.noMembersAction}</a>
        </p> : null}
      <div class="grid-cards">
        {props.members.map((m) => (
          <MemberConnections ctx={ctx} member={m} connections={props.connections.filter((c) => c.memberId === m.id)} providers={props.providers} health={props.health} />
        ))}
      </div>
      <ApiKeys ctx={ctx} keys={props.keys} newKey={props.newKey} />
    </Layout>
  );
}
