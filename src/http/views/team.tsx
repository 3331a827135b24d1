/**
 * The team view: one card per group the viewer may see, with totals per week, the spread over
 * its people (median, and p75/p90 only where the group is large enough), how many people are
 * past each threshold, and named rows only for people who chose to share. Groups below the
 * minimum size appear merged into "others", or not at all, with the reason said.
 */
import type { DistributedMetric, GroupView, OthersView } from '../../domain/privacy';
import type { WeekRange } from '../../services/dashboard';
import type { TeamAudit } from '../../services/team-views';
import type { HealthCode } from '../../domain/team-health';
import { formatHours, type Messages } from './i18n';
import { overviewTexts } from './texts/overview';
import { Layout, WeekPicker, type PageContext } from './layout';

const SPREAD: ReadonlyArray<{ key: DistributedMetric; label: keyof Messages; percent?: boolean }> = [
  { key: 'meetingHours', label: 'meetingHours' },
  { key: 'meetingShare', label: 'teamShare', percent: true },
  { key: 'afterHoursMeetingHours', label: 'afterHours' },
  { key: 'focusHours', label: 'focusHours' },
];


function value(ctx: PageContext, n: number | null, percent?: boolean): string {
  if (n === null || Number.isNaN(n)) return '–';
  return percent ? `${Math.round(n * 100)} %` : `${formatHours(ctx.locale, n)} ${ctx.t.hours}`;
}

/** One group's aggregates (also used for "others" when it is large enough). */
function GroupCard(props: { ctx: PageContext; id: string; name: string; group: Omit<GroupView, 'id' | 'name'>; merged?: string[] }) {
  const { ctx, group } = props;
  const { t } = ctx;
  const id = `g-${props.id.replace(/[^A-Za-z0-9_-]/g, '')}`;
  return (
    <section class="card group" aria-labelledby={id} data-group={props.id}>
      <h2 id={id}>
        {props.name} <span class="muted small-text">{`${group.size} ${t.teamPeople}`}</span>
      </h2>
      {props.merged ? <p class="muted small-text" data-testid="others-merged">{`${t.teamOthersMerged}: ${props.merged.join(', ')}`}</p> : null}
      <div class="table-scroll" role="region" aria-label={`${t.teamSpread}: ${props.name}`} tabindex={0}>
        <table class="data">
          <caption class="sr-only">{`${t.teamSpread}: ${props.name}`}</caption>
          <thead>
            <tr>
              <th scope="col">{t.teamMetric}</th>
              <th scope="col" class="num">{t.teamTotalPerWeek}</th>
              <th scope="col" class="num">{t.teamMedian}</th>
              <th scope="col" class="num">p75</th>
              <th scope="col" class="num">p90</th>
            </tr>
          </thead>
          <tbody>
            {SPREAD.map((m) => (
              <tr data-key={m.key}>
                <th scope="row">{t[m.label] as string}</th>
                <td class="num">{m.percent ? value(ctx, group.totals.perWeek.meetingShare, true) : value(ctx, group.totals.perWeek[m.key])}</td>
                <td class="num">{value(ctx, group.distributions[m.key].median, m.percent)}</td>
                <td class="num">{value(ctx, group.distributions[m.key].p75, m.percent)}</td>
                <td class="num">{value(ctx, group.distributions[m.key].p90, m.percent)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>{t.teamThresholds}</h3>
      <ul class="plain">
        {group.thresholds.map((th) => (
          <li data-threshold={th.code}>{`${th.count} / ${th.of} · ${overviewTexts(ctx.locale).health[th.code as HealthCode] ?? th.description}`}</li>
        ))}
      </ul>
      <h3>{t.teamShared}</h3>
      {group.shared.length === 0 ? (
        <p class="muted small-text">{t.teamSharedNone}</p>
      ) : (
        <ul class="plain" data-testid="shared-rows">
          {group.shared.map((p) => (
            <li data-person={p.email}>{`${p.name}: ${value(ctx, p.perWeek.meetingHours)} ${t.perWeek} · ${t.focusHours} ${value(ctx, p.perWeek.focusHours)}`}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Others(props: { ctx: PageContext; others: OthersView; min: number }) {
  const { ctx, others } = props;
  if (!others.suppressed) return <GroupCard ctx={ctx} id="others" name={ctx.t.teamOthers} group={others} merged={others.merged} />;
  return (
    <section class="card group" data-group="others" aria-labelledby="g-others">
      <h2 id="g-others">{ctx.t.teamOthers}</h2>
      <p data-testid="others-suppressed">{ctx.t.teamOthersSuppressed.replace('{n}', String(props.min))}</p>
      <p class="muted small-text">{`${ctx.t.teamOthersMerged}: ${others.merged.join(', ')}`}</p>
    </section>
  );
}

export function TeamPage(props: { ctx: PageContext; range: WeekRange; team: TeamAudit }) {
  const { ctx, team } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.navTeam}>
      <div class="page-head">
        <h1>{t.teamTitle}</h1>
        <WeekPicker ctx={ctx} from={props.range.from} weeks={props.range.weeks.length} />
      </div>
      <p class="lead">{t.teamLead.replace('{n}', String(team.minGroupSize))}</p>
      {team.groups.length === 0 && team.others === null ? <p class="empty">{t.teamNoGroups}</p> : null}
      {team.groups.map((g) => (
        <GroupCard ctx={ctx} id={g.id} name={g.id === 'workspace' ? t.teamEveryone : g.name} group={g} />
      ))}
      {team.others ? <Others ctx={ctx} others={team.others} min={team.minGroupSize} /> : null}
    </Layout>
  );
}
