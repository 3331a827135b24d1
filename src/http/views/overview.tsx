import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { AuditMetrics } from '../../domain/audit-types';
import { distribution } from '../../domain/privacy';
import { meetingShareLineHours, type HealthLine } from '../../domain/team-health';
import type { Overview } from '../../services/dashboard';
import { chartWidth, layoutStackedBars, sparkline, trend, yOf, type BarGroupInput, type StackedBarsLayout } from './charts';
import { formatHours, formatMoney, type Locale, type Messages } from './i18n';
import { Layout, Swatch, WeekPicker, type PageContext } from './layout';
import { fill, percent, shortDate, tableNumbers } from './overview-format';
import { OverviewTable, PER_PERSON_CHART_MAX } from './overview-table';
import { awayTexts } from './texts/away';
import { overviewTexts, type OverviewTexts } from './texts/overview';

/** Meetings only: the chart is about meeting time, on its own scale (focus time is a metric of its own below). */
const SEGMENTS = [
  { key: 'meeting', label: 'segMeeting' },
  { key: 'after', label: 'segAfter' },
  { key: 'weekend', label: 'segWeekend' },
] as const satisfies ReadonlyArray<{ key: string; label: keyof Messages }>;


/** The overview data as bar groups: one group per named member, one bar per week, meeting time in three stacked segments. */
export function overviewBars(overview: Overview, locale: Locale = 'en'): BarGroupInput[] {
  return overview.members.map((member) => ({
    label: member.name,
    bars: overview.weeks.map((week) => {
      const m = week.members.find((x) => x.email === member.email)?.metrics;
      return {
        label: shortDate(locale, week.from),
        segments: [
          { key: 'meeting', value: m?.meetingInWorkingHours ?? 0 },
          { key: 'after', value: m?.afterHoursMeetingHours ?? 0 },
          { key: 'weekend', value: m?.nonWorkingDayMeetingHours ?? 0 },
        ],
      };
    }),
  }));
}

function Trend(props: { ctx: PageContext; label: string; values: number[]; unit?: string; lowerIsBetter?: boolean }) {
  const { t, locale } = props.ctx;
  const tr = trend(props.values);
  const last = props.values[props.values.length - 1] ?? 0;
  const word = tr.direction === 'up' ? t.trendUp : tr.direction === 'down' ? t.trendDown : t.trendFlat;
  const good = tr.direction === 'flat' ? 'neutral' : (tr.direction === 'down') === (props.lowerIsBetter ?? true) ? 'good' : 'bad';
  const show = (v: number) => (props.unit === '%' ? percent(locale, v) : `${formatHours(locale, v)} ${t.hours}`);
  return (
    <div class="stat">
      <div class="stat-label">{props.label}</div>
      <div class="stat-value">{show(last)}</div>
      <div class={`stat-trend ${good}`} title={t.trendVs}>
        <span aria-hidden="true">{tr.direction === 'up' ? '▲' : tr.direction === 'down' ? '▼' : '■'}</span> {word}
        {tr.percent !== null && tr.direction !== 'flat' ? ` ${percent(locale, Math.abs(tr.percent) / 100)}` : ''}
      </div>
      <svg class="spark" viewBox="0 0 120 32" width="120" height="32" role="img" aria-label={`${props.label}: ${props.values.map(show).join(', ')}`}>
        <polyline points={sparkline(props.values)} />
      </svg>
    </div>
  );
}

/** Says how many people are counted without their names, and whether totals are held back to protect them. */
export function UnnamedNote(props: { ctx: PageContext; count: number; totals?: boolean }) {
  const { t } = props.ctx;
  return (
    <p class="notice" data-testid="unnamed-note">
      {t.unnamedNote.replace('{n}', String(props.count))}
      {props.totals === false ? ` ${t.totalsHeld}` : ''} <a href="/team">{t.navTeam}</a>
    </p>
  );
}

/**
 * Where the viewer's own "Do next" goes inside the shared, cached content: right after team
 * health, so the next step is the second thing a lead reads (see {@link OverviewPage}).
 */
export const DO_NEXT_SLOT = '<!--do-next-->';

/** The overview page around its content (rendered apart: it depends only on the data, range and locale, so it can be cached), with the viewer's own "Do next" in its slot. */
export async function OverviewPage(props: { ctx: PageContext; content: string; doNext: Child }) {
  const doNext = props.doNext === null || props.doNext === undefined ? '' : String(await props.doNext.toString());
  const content = props.content.includes(DO_NEXT_SLOT) ? props.content.replace(DO_NEXT_SLOT, () => doNext) : props.content + doNext;
  return (
    <Layout ctx={props.ctx} title={props.ctx.t.navOverview}>
      {raw(content)}
    </Layout>
  );
}

/** One threshold: the share past it in the last week, how many people, the change since the first week, and the weeks as a sparkline. */
function HealthTile(props: { ctx: PageContext; o: OverviewTexts; line: HealthLine }) {
  const { ctx, o, line } = props;
  const last = line.weeks[line.weeks.length - 1];
  const first = line.weeks[0];
  const shares = line.weeks.map((w) => w.share);
  const change = line.direction === 'same' ? o.changeSame : fill(line.direction === 'worse' ? o.changeWorse : o.changeBetter, { n: Math.abs(line.changePoints ?? 0) });
  return (
    <div class="stat health" data-code={line.code}>
      <div class="stat-label">{o.health[line.code]}</div>
      <div class="stat-value" data-key="share">{percent(ctx.locale, last?.share ?? 0)}</div>
      <div class="health-of">{fill(o.pastOf, { past: last?.past ?? 0, of: last?.of ?? 0 })}</div>
      {line.weeks.length >= 2 ? (
        <div class={`stat-trend ${line.direction === 'worse' ? 'bad' : line.direction === 'better' ? 'good' : 'neutral'}`} data-key="change">
          {`${o.firstWeek} ${percent(ctx.locale, first?.share ?? 0)} → ${o.lastWeek} ${percent(ctx.locale, last?.share ?? 0)}: ${change}`}
        </div>
      ) : null}
      <svg class="spark" viewBox="0 0 120 32" width="120" height="32" role="img" aria-label={`${o.health[line.code]}: ${line.weeks.map((w) => `${shortDate(ctx.locale, w.from)} ${percent(ctx.locale, w.share)}`).join(', ')}`}>
        <polyline points={sparkline(shares.map((s) => s * 100))} />
      </svg>
    </div>
  );
}

function HealthSection(props: { ctx: PageContext; o: OverviewTexts; health: HealthLine[]; shown: boolean }) {
  const { o } = props;
  return (
    <section aria-labelledby="health-title" class="card" data-testid="team-health">
      <h2 id="health-title">{o.healthTitle}</h2>
      <p class="lead">{o.healthLead}</p>
      {props.shown ? (
        <div class="stats">
          {props.health.map((line) => (
            <HealthTile ctx={props.ctx} o={o} line={line} />
          ))}
        </div>
      ) : (
        <p class="notice">{o.healthHeld}</p>
      )}
      <details>
        <summary>{o.healthSource}</summary>
        <ul class="plain">
          {props.health.map((line) => (
            <li>
              <strong>{o.health[line.code]}</strong>: {o.sources[line.code]}
            </li>
          ))}
        </ul>
        <p class="muted">{o.sourcesMore}</p>
      </details>
    </section>
  );
}

/** The axis, the threshold line, and the week and group labels every meeting-hours chart shares. */
function Axis(props: { layout: StackedBarsLayout; locale: Locale; unit: string; line: number | null; lineLabel: string }) {
  const { layout } = props;
  const y = props.line === null ? null : yOf(layout, props.line);
  return (
    <>
      <text class="axis-unit" x={4} y={12}>
        {props.unit}
      </text>
      {layout.ticks.map((tick) => (
        <g class="tick">
          <line x1={layout.plot.x} x2={layout.plot.x + layout.plot.width} y1={tick.y} y2={tick.y} />
          <text x={layout.plot.x - 6} y={tick.y + 4} text-anchor="end">
            {tableNumbers[props.locale].format(tick.value)}
          </text>
        </g>
      ))}
      {y === null ? null : (
        <g class="threshold">
          <line x1={layout.plot.x} x2={layout.plot.x + layout.plot.width} y1={y} y2={y} />
          <text x={layout.plot.x + 4} y={y - 4}>
            {props.lineLabel}
          </text>
        </g>
      )}
      {layout.bars.map((b) => (
        <text class="bar-label" x={b.x + b.width / 2} y={b.labelY} text-anchor="middle">
          {b.label}
        </text>
      ))}
      {layout.groups.map((g) => (
        <text class="group-label" x={g.x + g.width / 2} y={layout.height - 8} text-anchor="middle">
          {g.label}
        </text>
      ))}
    </>
  );
}

/** Meeting hours per named person and week, on their own h/week scale, against the meeting-share line. */
function PersonBars(props: { ctx: PageContext; o: OverviewTexts; overview: Overview; line: number | null }) {
  const { ctx, o, overview } = props;
  const { t, locale } = ctx;
  const groups = overviewBars(overview, locale);
  const layout = layoutStackedBars(groups, { width: chartWidth(groups.length, overview.weeks.length), height: 300, top: 22, scaleAtLeast: props.line ?? 0 });
  const lineLabel = props.line === null ? '' : fill(o.shareLine, { h: formatHours(locale, props.line) });
  return (
    <div class="chart-scroll" role="region" aria-labelledby="bars-title" tabindex={0}>
      <svg class="chart bars fixed" width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} role="img" aria-labelledby="bars-title bars-desc">
        <title id="bars-title">{t.overviewTitle}</title>
        <desc id="bars-desc">{o.chartLead}</desc>
        <Axis layout={layout} locale={locale} unit={o.axisUnit} line={props.line} lineLabel={lineLabel} />
        {layout.rects.map((r) => {
          const label = t[SEGMENTS.find((s) => s.key === r.key)!.label];
          return (
            <rect x={r.x} y={r.y} width={r.width} height={r.height} class={`seg-${r.key}`}>
              <title>{`${groups[r.group]!.label}, ${t.weekOf} ${shortDate(locale, overview.weeks[r.bar]!.from)}: ${label} ${formatHours(locale, r.value)} ${t.hours}`}</title>
            </rect>
          );
        })}
      </svg>
    </div>
  );
}

/** The team's meeting hours per person as a distribution per week (median, p75, p90 where the team is large enough): counts, never one person. */
function DistributionBars(props: { ctx: PageContext; o: OverviewTexts; overview: Overview; line: number | null }) {
  const { ctx, o, overview } = props;
  const { locale } = ctx;
  const groups: BarGroupInput[] = overview.weeks.map((w) => {
    const d = distribution(w.members.filter((m) => m.metrics.workingTimeHours > 0).map((m) => m.metrics.meetingHours));
    const bars = [
      { label: 'p50', segments: [{ key: 'p50', value: Number.isFinite(d.median) ? d.median : 0 }] },
      ...(d.p75 !== null ? [{ label: 'p75', segments: [{ key: 'p75', value: d.p75 }] }] : []),
      ...(d.p90 !== null ? [{ label: 'p90', segments: [{ key: 'p90', value: d.p90 }] }] : []),
    ];
    return { label: shortDate(locale, w.from), bars };
  });
  const layout = layoutStackedBars(groups, { width: chartWidth(groups.length, 3, { minGroupWidth: 120 }), height: 260, top: 22, scaleAtLeast: props.line ?? 0 });
  const lineLabel = props.line === null ? '' : fill(o.shareLine, { h: formatHours(locale, props.line) });
  return (
    <div class="chart-scroll" role="region" aria-labelledby="dist-title" tabindex={0}>
      <svg class="chart dist fixed" width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} role="img" aria-labelledby="dist-title">
        <title id="dist-title">{`${o.chartTitle} (p50, p75, p90)`}</title>
        <Axis layout={layout} locale={locale} unit={o.axisUnit} line={props.line} lineLabel={lineLabel} />
        {layout.rects.map((r) => (
          <rect x={r.x} y={r.y} width={r.width} height={r.height} class={`dist-${r.key}`}>
            <title>{`${groups[r.group]!.label} ${r.key}: ${formatHours(locale, r.value)} ${o.axisUnit}`}</title>
          </rect>
        ))}
      </svg>
    </div>
  );
}

/** Every audit metric as the team's average per person and week, each with the page that shows it in detail. */
function MetricsSection(props: { ctx: PageContext; o: OverviewTexts; overview: Overview }) {
  const { ctx, o, overview } = props;
  const { t, locale } = ctx;
  const people = overview.weeks.flatMap((w) => w.members.filter((m) => m.metrics.workingTimeHours > 0).map((m) => m.metrics));
  const mean = (key: keyof AuditMetrics) => (people.length > 0 ? people.reduce((s, m) => s + m[key], 0) / people.length : 0);
  const h = (key: keyof AuditMetrics) => `${formatHours(locale, mean(key))} ${t.hours}`;
  const away = awayTexts(locale);
  const rows: Array<{ key: keyof OverviewTexts['metric']; value: string; href: string; page: string }> = [
    { key: 'meetingHours', value: h('meetingHours'), href: '/heatmap', page: t.navHeatmap },
    { key: 'meetingShare', value: percent(locale, mean('meetingShare')), href: '/team', page: t.navTeam },
    { key: 'focusHours', value: h('focusHours'), href: '/focus', page: t.navFocus },
    { key: 'fragmentedHours', value: h('fragmentedHours'), href: '/team', page: t.navTeam },
    { key: 'backToBackChains', value: formatHours(locale, mean('backToBackChains')), href: '/team', page: t.navTeam },
    { key: 'recurringMeetingHours', value: h('recurringMeetingHours'), href: '/flags', page: t.navFlags },
    { key: 'recurringCost', value: formatMoney(locale, mean('recurringMeetingHours') * overview.money.hourlyRate, overview.money.currency), href: '/flags', page: t.navFlags },
    { key: 'afterHoursMeetingHours', value: h('afterHoursMeetingHours'), href: '/heatmap', page: t.navHeatmap },
    { key: 'nonWorkingDayMeetingHours', value: h('nonWorkingDayMeetingHours'), href: '/heatmap', page: t.navHeatmap },
    { key: 'crossZoneOutsideHoursHours', value: h('crossZoneOutsideHoursHours'), href: '/rotation', page: t.navRotation },
  ];
  return (
    <section aria-labelledby="metrics-title" class="card" data-testid="all-metrics">
      <h2 id="metrics-title">{o.metricsTitle}</h2>
      <p class="lead">{o.metricsLead}</p>
      <dl class="explained">
        {rows.map((r) => (
          <div data-metric={r.key}>
            <dt>{o.metric[r.key]}</dt>
            <dd class="value">{r.value}</dd>
            <dd>
              <a href={r.href}>{fill(o.seeOn, { page: r.page })}</a>
            </dd>
          </div>
        ))}
        <div data-metric="awayHours">
          <dt>{away.teamAwayHours}</dt>
          <dd class="value">{h('awayHours')}</dd>
          <dd class="muted small-text">{away.teamAwayNote}</dd>
        </div>
      </dl>
    </section>
  );
}

/** Reads only the locale's texts from `ctx`: cached per data version, range, locale and what the viewer may see by name. */
export function OverviewContent(props: { ctx: PageContext; overview: Overview; privacy?: { unnamed: number; teamTotals: boolean } }) {
  const { ctx, overview } = props;
  const privacy = props.privacy ?? { unnamed: 0, teamTotals: true };
  const { t, locale } = ctx;
  const o = overviewTexts(locale);
  const weeks = overview.weeks;
  const anyMeeting = weeks.some((w) => w.team.meetingHours > 0);
  const line = meetingShareLineHours(weeks.flatMap((w) => w.members.map((m) => m.metrics.workingTimeHours)));
  return (
    <>
      <div class="page-head">
        <h1>{t.overviewTitle}</h1>
        <WeekPicker ctx={ctx} from={overview.range.from} weeks={overview.range.weeks.length} />
      </div>
      {privacy.unnamed > 0 ? <UnnamedNote ctx={ctx} count={privacy.unnamed} totals={privacy.teamTotals} /> : null}
      {overview.members.length === 0 && privacy.unnamed === 0 ? (
        <p class="empty">
          {t.noMembers} <a href="/people">{t.noMembersAction}</a>
        </p>
      ) : (
        <>
          <HealthSection ctx={ctx} o={o} health={overview.health} shown={privacy.teamTotals} />
          {raw(DO_NEXT_SLOT)}
          {privacy.teamTotals ? (
            <section aria-labelledby="team-title" class="card">
              <h2 id="team-title">{t.teamTotals}</h2>
              <div class="stats" data-testid="team-stats">
                <Trend ctx={ctx} label={t.teamMeetingHours} values={weeks.map((w) => w.team.meetingHours)} />
                <Trend ctx={ctx} label={t.teamFocusHours} values={weeks.map((w) => w.team.focusHours)} lowerIsBetter={false} />
                <Trend ctx={ctx} label={t.teamAfterHours} values={weeks.map((w) => Math.round((w.team.afterHoursMeetingHours + w.team.nonWorkingDayMeetingHours) * 100) / 100)} />
                <Trend ctx={ctx} label={t.teamShare} values={weeks.map((w) => w.team.meetingShare)} unit="%" />
              </div>
            </section>
          ) : null}
          <section aria-labelledby="load-title" class="card">
            <h2 id="load-title">{o.chartTitle}</h2>
            <p class="lead">{o.chartLead}</p>
            {anyMeeting ? null : <p class="empty">{t.noData}</p>}
            <ul class="legend">
              {SEGMENTS.map((s) => (
                <li>
                  <Swatch class={`seg-${s.key}`} />
                  {t[s.label]}
                </li>
              ))}
            </ul>
            {privacy.teamTotals && overview.members.length > PER_PERSON_CHART_MAX ? <DistributionBars ctx={ctx} o={o} overview={overview} line={line} /> : null}
            {overview.members.length > 0 && overview.members.length <= PER_PERSON_CHART_MAX ? <PersonBars ctx={ctx} o={o} overview={overview} line={line} /> : null}
            <OverviewTable ctx={ctx} o={o} overview={overview} />
          </section>
          {privacy.teamTotals ? <MetricsSection ctx={ctx} o={o} overview={overview} /> : null}
        </>
      )}
    </>
  );
}
