import type { Child } from 'hono/jsx';
import type { Overview } from '../../services/dashboard';
import { layoutStackedBars, sparkline, trend, type BarGroupInput } from './charts';
import { formatHours, type Messages } from './i18n';
import { Layout, Swatch, WeekPicker, type PageContext } from './layout';

const SEGMENTS = [
  { key: 'meeting', label: 'segMeeting' },
  { key: 'after', label: 'segAfter' },
  { key: 'weekend', label: 'segWeekend' },
  { key: 'focus', label: 'segFocus' },
] as const satisfies ReadonlyArray<{ key: string; label: keyof Messages }>;

const shortDate = (iso: string) => iso.slice(5).replace('-', '/');

/** The overview data as bar groups: one group per member, one bar per week, four stacked segments. */
export function overviewBars(overview: Overview): BarGroupInput[] {
  return overview.members.map((member) => ({
    label: member.name,
    bars: overview.weeks.map((week) => {
      const m = week.members.find((x) => x.email === member.email)?.metrics;
      return {
        label: shortDate(week.from),
        segments: [
          { key: 'meeting', value: m?.meetingInWorkingHours ?? 0 },
          { key: 'after', value: m?.afterHoursMeetingHours ?? 0 },
          { key: 'weekend', value: m?.nonWorkingDayMeetingHours ?? 0 },
          { key: 'focus', value: m?.focusHours ?? 0 },
        ],
      };
    }),
  }));
}

function Legend(props: { t: Messages }) {
  return (
    <ul class="legend">
      {SEGMENTS.map((s) => (
        <li>
          <Swatch class={`seg-${s.key}`} />
          {props.t[s.label]}
        </li>
      ))}
    </ul>
  );
}

function Trend(props: { ctx: PageContext; label: string; values: number[]; unit?: string; lowerIsBetter?: boolean }) {
  const { t, locale } = props.ctx;
  const tr = trend(props.values);
  const last = props.values[props.values.length - 1] ?? 0;
  const word = tr.direction === 'up' ? t.trendUp : tr.direction === 'down' ? t.trendDown : t.trendFlat;
  const good = tr.direction === 'flat' ? 'neutral' : (tr.direction === 'down') === (props.lowerIsBetter ?? true) ? 'good' : 'bad';
  return (
    <div class="stat">
      <div class="stat-label">{props.label}</div>
      <div class="stat-value">
        {props.unit === '%' ? `${Math.round(last * 100)} %` : `${formatHours(locale, last)} ${t.hours}`}
      </div>
      <div class={`stat-trend ${good}`} title={t.trendVs}>
        <span aria-hidden="true">{tr.direction === 'up' ? '▲' : tr.direction === 'down' ? '▼' : '■'}</span>{' '}
        {word}
        {tr.percent !== null && tr.direction !== 'flat' ? ` ${Math.abs(tr.percent)} %` : ''}
      </div>
      <svg class="spark" viewBox="0 0 120 32" width="120" height="32" role="img" aria-label={`${props.label}: ${props.values.map((v) => (props.unit === '%' ? `${Math.round(v * 100)}%` : formatHours(locale, v))).join(', ')}`}>
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
      {props.totals === false ? ` ${t.totalsHeld}` : ''}{' '}
      <a href="/team">{t.navTeam}</a>
    </p>
  );
}

/** The overview page around its content (rendered apart: it depends only on the data, range and locale, so it can be cached). */
export function OverviewPage(props: { ctx: PageContext; content: Child }) {
  return (
    <Layout ctx={props.ctx} title={props.ctx.t.navOverview}>
      {props.content}
    </Layout>
  );
}

/** Reads only the locale's texts from `ctx`: cached per data version, range and locale. */
export function OverviewContent(props: { ctx: PageContext; overview: Overview; privacy?: { unnamed: number; teamTotals: boolean } }) {
  const { ctx, overview } = props;
  const privacy = props.privacy ?? { unnamed: 0, teamTotals: true };
  const { t, locale } = ctx;
  const weeks = overview.weeks;
  const layout = layoutStackedBars(overviewBars(overview), { width: 1000, height: 300 });
  const anyMeeting = weeks.some((w) => w.team.meetingHours > 0);
  const teamMeeting = weeks.map((w) => w.team.meetingHours);
  return (
    <>
      <div class="page-head">
        <h1>{t.overviewTitle}</h1>
        <WeekPicker ctx={ctx} from={overview.range.from} weeks={overview.range.weeks.length} />
      </div>
      {privacy.unnamed > 0 ? <UnnamedNote ctx={ctx} count={privacy.unnamed} totals={privacy.teamTotals} /> : null}
      {overview.members.length === 0 && privacy.unnamed === 0 ? (
        <p class="empty">{t.noMembers}</p>
      ) : (
        <>
          {privacy.teamTotals ? <section aria-labelledby="team-title" class="card">
            <h2 id="team-title">{t.teamTotals}</h2>
            <div class="stats" data-testid="team-stats">
              <Trend ctx={ctx} label={t.teamMeetingHours} values={teamMeeting} />
              <Trend ctx={ctx} label={t.teamFocusHours} values={weeks.map((w) => w.team.focusHours)} lowerIsBetter={false} />
              <Trend ctx={ctx} label={t.teamAfterHours} values={weeks.map((w) => Math.round((w.team.afterHoursMeetingHours + w.team.nonWorkingDayMeetingHours) * 100) / 100)} />
              <Trend ctx={ctx} label={t.teamShare} values={weeks.map((w) => w.team.meetingShare)} unit="%" />
            </div>
          </section> : null}
          <section aria-labelledby="load-title" class="card">
            <h2 id="load-title">{t.navOverview}</h2>
            <p class="lead">{t.overviewLead}</p>
            {anyMeeting ? null : <p class="empty">{t.noData}</p>}
            <Legend t={t} />
            <div class="chart-scroll" role="region" aria-label={t.overviewTitle} tabindex={0}>
              <svg class="chart bars" viewBox={`0 0 ${layout.width} ${layout.height}`} role="img" aria-labelledby="bars-title bars-desc">
                <title id="bars-title">{t.overviewTitle}</title>
                <desc id="bars-desc">{t.overviewLead}</desc>
                {layout.ticks.map((tick) => (
                  <g class="tick">
                    <line x1={layout.plot.x} x2={layout.plot.x + layout.plot.width} y1={tick.y} y2={tick.y} />
                    <text x={layout.plot.x - 6} y={tick.y + 4} text-anchor="end">
                      {`${tick.value}`}
                    </text>
                  </g>
                ))}
                {layout.rects.map((r) => {
                  const member = overview.members[r.group]!;
                  const week = weeks[r.bar]!;
                  const label = t[SEGMENTS.find((s) => s.key === r.key)!.label];
                  return (
                    <rect x={r.x} y={r.y} width={r.width} height={r.height} class={`seg-${r.key}`}>
                      <title>{`${member.name}, ${t.weekOf} ${week.from}: ${label} ${formatHours(locale, r.value)} ${t.hours}`}</title>
                    </rect>
                  );
                })}
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
              </svg>
            </div>
            <details>
              <summary>{t.dataTable}</summary>
              <div class="table-scroll" role="region" aria-label={t.dataTable} tabindex={0}>
                <table class="data" data-testid="overview-table">
                  <thead>
                    <tr>
                      <th scope="col">{t.member}</th>
                      <th scope="col">{t.week}</th>
                      <th scope="col" class="num">{t.meetingHours}</th>
                      <th scope="col" class="num">{t.afterHours}</th>
                      <th scope="col" class="num">{t.nonWorkingDay}</th>
                      <th scope="col" class="num">{t.focusHours}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {overview.members.flatMap((member) =>
                      weeks.map((week) => {
                        const m = week.members.find((x) => x.email === member.email)?.metrics;
                        return (
                          <tr data-member={member.email} data-week={week.from}>
                            <th scope="row">{member.name}</th>
                            <td>{week.from}</td>
                            <td class="num" data-key="meetingHours">{String(m?.meetingHours ?? 0)}</td>
                            <td class="num" data-key="afterHoursMeetingHours">{String(m?.afterHoursMeetingHours ?? 0)}</td>
                            <td class="num" data-key="nonWorkingDayMeetingHours">{String(m?.nonWorkingDayMeetingHours ?? 0)}</td>
                            <td class="num" data-key="focusHours">{String(m?.focusHours ?? 0)}</td>
                          </tr>
                        );
                      }),
                    )}
                  </tbody>
                </table>
              </div>
            </details>
          </section>
        </>
      )}
    </>
  );
}
