/**
 * "My week" and "My calendars": a person's own numbers with what each one means, the series they
 * organize that are flagged, their focus plan, their rotation burden, the sharing choice, and
 * their calendar connections with a plain list of what is shared and with whom.
 */
import { DateTime } from 'luxon';
import type { AuditMetrics } from '../../domain/audit';
import type { ConnectionRow } from '../../db/connections.repository';
import type { MemberRow } from '../../db/members.repository';
import type { SyncHealth } from '../../domain/sync-health';
import type { LedgerView } from '../../services/rotation';
import { reasonText, type FlagRow } from './flags';
import type { FocusMemberView } from './focus';
import { formatHours, formatMoney, type Messages } from './i18n';
import { ConnectionItem } from './connections';
import { DigestCard } from './digest-card';
import { FlipForm } from './flip-form';
import type { DigestChoice } from '../../services/digest';
import { Csrf, Layout, type PageContext } from './layout';
import { awayTexts } from './texts/away';

export interface MyWeek {
  range: { from: string; to: string };
  member: MemberRow;
  metrics: AuditMetrics | null;
  flags: FlagRow[];
  currency: string;
  focus: FocusMemberView | null;
  burden: LedgerView['people'][number] | null;
  share: boolean;
}

/** The numbers "My week" shows, each with its one-line explanation (keys of Messages). */
const METRICS = [
  { key: 'meetingHours', label: 'meetingHours', explain: 'explainMeetingHours', unit: 'h' },
  { key: 'meetingShare', label: 'teamShare', explain: 'explainMeetingShare', unit: '%' },
  { key: 'focusHours', label: 'focusHours', explain: 'explainFocusHours', unit: 'h' },
  { key: 'fragmentedHours', label: 'fragmentedHours', explain: 'explainFragmentedHours', unit: 'h' },
  { key: 'afterHoursMeetingHours', label: 'afterHours', explain: 'explainAfterHours', unit: 'h' },
  { key: 'nonWorkingDayMeetingHours', label: 'nonWorkingDay', explain: 'explainNonWorkingDay', unit: 'h' },
  { key: 'backToBackChains', label: 'backToBack', explain: 'explainBackToBack', unit: '' },
  { key: 'recurringMeetingHours', label: 'recurringHours', explain: 'explainRecurring', unit: 'h' },
] as const satisfies ReadonlyArray<{ key: keyof AuditMetrics; label: keyof Messages; explain: keyof Messages; unit: string }>;

function metricValue(ctx: PageContext, value: number, unit: string) {
  if (unit === '%') return `${Math.round(value * 100)} %`;
  if (unit === 'h') return `${formatHours(ctx.locale, value)} ${ctx.t.hours}`;
  return String(value);
}

/** The sharing choice: a one-button form that flips it, saying what it means either way. */
function ShareToggle(props: { ctx: PageContext; share: boolean }) {
  const { t } = props.ctx;
  return (
    <section class="card" aria-labelledby="share-title" data-testid="share">
      <h2 id="share-title">{t.meShareTitle}</h2>
      <p>{props.share ? t.meShareOn : t.meShareOff}</p>
      <FlipForm csrf={props.ctx.session!.csrf} action="/me/share" name="share" on={props.share} start={t.meShareStart} stop={t.meShareStop} />
    </section>
  );
}

function WeekNav(props: { ctx: PageContext; from: string }) {
  const { t } = props.ctx;
  const monday = DateTime.fromISO(props.from, { zone: 'utc' });
  return (
    <nav class="week-nav" aria-label={t.range}>
      <a href={`/me?from=${monday.minus({ weeks: 1 }).toISODate()}`}>{`← ${t.mePrevWeek}`}</a>
      <span>{`${t.weekOf} ${monday.setLocale(props.ctx.locale === 'id' ? 'id-ID' : 'en-GB').toLocaleString(DateTime.DATE_MED)}`}</span>
      <a href={`/me?from=${monday.plus({ weeks: 1 }).toISODate()}`}>{`${t.meNextWeek} →`}</a>
    </nav>
  );
}

function MyNumbers(props: { ctx: PageContext; metrics: AuditMetrics | null }) {
  const { t } = props.ctx;
  const away = awayTexts(props.ctx.locale);
  return (
    <section class="card" aria-labelledby="my-numbers">
      <h2 id="my-numbers">{t.meNumbersTitle}</h2>
      {props.metrics === null ? (
        <p class="empty">{t.noData}</p>
      ) : (
        <dl class="explained" data-testid="my-numbers">
          {METRICS.map((m) => (
            <div data-key={m.key}>
              <dt>{t[m.label]}</dt>
              <dd class="value">{metricValue(props.ctx, props.metrics![m.key], m.unit)}</dd>
              <dd class="muted small-text">{t[m.explain]}</dd>
            </div>
          ))}
          <div data-key="awayHours">
            <dt>{away.awayHours}</dt>
            <dd class="value">{metricValue(props.ctx, props.metrics.awayHours, 'h')}</dd>
            <dd class="muted small-text">{away.explainAwayHours}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}

function MyFlags(props: { ctx: PageContext; flags: FlagRow[]; currency: string }) {
  const { t, locale } = props.ctx;
  return (
    <section class="card" aria-labelledby="my-flags">
      <h2 id="my-flags">{t.meFlagsTitle}</h2>
      <p class="lead">{t.meFlagsLead}</p>
      {props.flags.length === 0 ? (
        <p class="empty">{t.meFlagsNone}</p>
      ) : (
        <ul class="plain" data-testid="my-flags">
          {props.flags.map((f) => (
            <li data-series={f.seriesKey}>
              <strong class="title">{f.title}</strong>{' '}
              <span class={`badge verdict-${f.verdict}`}>{t[`verdict_${f.verdict}`]}</span>
              <span class="muted small-text">{`${t.colScore} ${f.score} · ${t.colCost} ${formatMoney(locale, f.cost.moneyPerYear ?? 0, props.currency)}`}</span>
              <span class="small-text">{f.reasons.map((r) => reasonText(locale, r)).join(' · ')}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function MyFocus(props: { ctx: PageContext; focus: FocusMemberView | null }) {
  const { t, locale } = props.ctx;
  const f = props.focus;
  return (
    <section class="card" aria-labelledby="my-focus">
      <h2 id="my-focus">{t.meFocusTitle}</h2>
      {f === null ? (
        <p class="empty">{t.focusNone}</p>
      ) : (
        <>
          <p>{`${t.focusTarget} ${formatHours(locale, f.targetHours)} ${t.hours} · ${t.focusAchievable} ${formatHours(locale, f.achievableHours)} ${t.hours} · ${t.focusPlanned} ${formatHours(locale, f.plannedHours)} ${t.hours} · ${t.focusProtected} ${formatHours(locale, f.protectedHours)} ${t.hours}`}</p>
          {f.missedReason ? <p class="muted small-text">{f.missedReason}</p> : null}
          <ul class="plain" data-testid="my-focus-blocks">
            {f.blocks.map((b) => (
              <li>{`${DateTime.fromMillis(b.start, { zone: f.timeZone }).setLocale(locale).toFormat('ccc d LLL HH:mm')}–${DateTime.fromMillis(b.end, { zone: f.timeZone }).toFormat('HH:mm')} ${f.timeZone} (${b.kind === 'protected' ? t.focusProtected : t.focusPlanned})`}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function MyBurden(props: { ctx: PageContext; burden: MyWeek['burden'] }) {
  const { t } = props.ctx;
  const b = props.burden;
  return (
    <section class="card" aria-labelledby="my-burden">
      <h2 id="my-burden">{t.meBurdenTitle}</h2>
      <p class="lead">{t.meBurdenLead}</p>
      {b === null ? (
        <p class="empty">{t.meBurdenNone}</p>
      ) : (
        <p data-testid="my-burden">{`${t.meBurdenPoints}: ${Math.round(b.burden * 10) / 10} · ${t.meBurdenSeries}: ${b.series} · ${t.meBurdenOutside}: ${b.outsideHoursCount} · ${t.meBurdenNights}: ${b.nightCount}`}</p>
      )}
    </section>
  );
}

/** "My week": only the signed-in person's own data. */
export function MyWeekPage(props: { ctx: PageContext; week: MyWeek | null; share: boolean; digest?: (DigestChoice & { changed: boolean }) | undefined }) {
  const { ctx, week } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.navMe}>
      <div class="page-head">
        <h1>{t.meTitle}</h1>
        {week ? <WeekNav ctx={ctx} from={week.range.from} /> : null}
      </div>
      <p class="lead">{t.meLead}</p>
      {week === null ? (
        <section class="card">
          <p>{t.meNoMember}</p>
          <p>
            <a class="button" href="/me/connections">
              {t.meConnectCta}
            </a>
          </p>
        </section>
      ) : (
        <div data-member={week.member.email} data-testid="my-week">
          <MyNumbers ctx={ctx} metrics={week.metrics} />
          <MyFlags ctx={ctx} flags={week.flags} currency={week.currency} />
          <MyFocus ctx={ctx} focus={week.focus} />
          <MyBurden ctx={ctx} burden={week.burden} />
        </div>
      )}
      <ShareToggle ctx={ctx} share={props.share} />
      {props.digest ? <DigestCard ctx={ctx} digest={props.digest} /> : null}
      <p>
        <a href="/me/connections">{t.meConnectionsLink}</a>
      </p>
    </Layout>
  );
}

/** The person's own calendars: connect, paste an ICS address, disconnect; and what is shared, with whom. */
export function MyConnectionsPage(props: {
  ctx: PageContext;
  member: MemberRow | null;
  connections: ConnectionRow[];
  providers: { google: boolean; microsoft: boolean };
  share: boolean;
  health: ReadonlyMap<string, SyncHealth>;
}) {
  const { ctx } = props;
  const { t } = ctx;
  const csrf = ctx.session!.csrf;
  return (
    <Layout ctx={ctx} title={t.meConnectionsTitle}>
      <h1>{t.meConnectionsTitle}</h1>
      <section class="card" aria-labelledby="shared-what" data-testid="what-is-shared">
        <h2 id="shared-what">{t.meSharedTitle}</h2>
        <ul>
          {t.meSharedList.map((line) => (
            <li>{line}</li>
          ))}
          <li>{props.share ? t.meSharedNamed : t.meSharedAggregate}</li>
        </ul>
      </section>
      <section class="card" aria-labelledby="my-calendars">
        <h2 id="my-calendars">{t.meCalendarsTitle}</h2>
        {props.connections.length === 0 ? (
          <p class="empty">{t.connNone}</p>
        ) : (
          <ul class="connections">
            {props.connections.map((c) => (
              <ConnectionItem ctx={ctx} connection={c} health={props.health.get(c.id)} disconnectAction={`/me/connections/${encodeURIComponent(c.id)}/disconnect`} />
            ))}
          </ul>
        )}
        {props.member === null ? (
          <p class="notice">{t.meNoMember}</p>
        ) : (
          <div class="stack">
            <div class="row-wrap">
              {(['google', 'microsoft'] as const).map((provider) => (
                <form method="post" action={`/me/connections/${provider}`} class="inline">
                  <Csrf token={csrf} />
                  <button type="submit" disabled={!props.providers[provider]} title={props.providers[provider] ? undefined : t.notConfigured}>
                    {provider === 'google' ? t.connectGoogle : t.connectOutlook}
                  </button>
                </form>
              ))}
            </div>
            <form method="post" action="/me/connections/ics" class="stack">
              <Csrf token={csrf} />
              <label for="my-ics">{t.meIcsLabel}</label>
              <input id="my-ics" name="url" type="url" inputmode="url" required spellcheck={false} placeholder="https://…/basic.ics" />
              <p class="muted small-text">{t.meIcsHelp}</p>
              <button type="submit" class="secondary">
                {t.connect}
              </button>
            </form>
          </div>
        )}
      </section>
      <p>
        <a href="/me">{`← ${t.navMe}`}</a>
      </p>
    </Layout>
  );
}
