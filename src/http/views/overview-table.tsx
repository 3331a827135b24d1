import type { Overview } from '../../services/dashboard';
import type { PageContext } from './layout';
import { percent, shortDate, tableNumbers } from './overview-format';
import type { OverviewTexts } from './texts/overview';

/** Up to this many people named, the chart has a group of bars per person; beyond it, the team's distribution only (the table keeps everyone). */
export const PER_PERSON_CHART_MAX = 40;

/** Every named person's numbers per week: a table on a wide screen, stacked cards on a phone (CSS). */
export function OverviewTable(props: { ctx: PageContext; o: OverviewTexts; overview: Overview }) {
  const { ctx, o, overview } = props;
  const { t, locale } = ctx;
  // A large team's table keeps the last week only: the page stays light, and the chart above has the trend.
  const large = overview.members.length > PER_PERSON_CHART_MAX;
  const weeks = large ? overview.weeks.slice(-1) : overview.weeks;
  const byWeek = weeks.map((w) => new Map(w.members.map((m) => [m.email, m.metrics])));
  const n = (v: number | undefined) => tableNumbers[locale].format(v ?? 0);
  const cell = (key: string, label: string, text: string) => (
    <td class="num" data-key={key} data-label={label}>
      {text}
    </td>
  );
  return (
    <details>
      <summary>{t.dataTable}</summary>
      {large ? <p class="lead">{o.tableLastWeek}</p> : null}
      <table class="data stack" data-testid="overview-table">
        <thead>
          <tr>
            <th scope="col">{t.member}</th>
            <th scope="col">{t.week}</th>
            <th scope="col" class="num">{t.meetingHours}</th>
            <th scope="col" class="num">{t.afterHours}</th>
            <th scope="col" class="num">{t.nonWorkingDay}</th>
            <th scope="col" class="num">{t.focusHours}</th>
            <th scope="col" class="num">{o.meetingShare}</th>
            <th scope="col" class="num">{o.chains}</th>
          </tr>
        </thead>
        <tbody>
          {overview.members.flatMap((member) =>
            weeks.map((week, i) => {
              const m = byWeek[i]!.get(member.email);
              return (
                <tr data-member={member.email} data-week={week.from}>
                  <th scope="row">{member.name}</th>
                  <td data-label={t.week}>{shortDate(locale, week.from)}</td>
                  {cell('meetingHours', t.meetingHours, n(m?.meetingHours))}
                  {cell('afterHoursMeetingHours', t.afterHours, n(m?.afterHoursMeetingHours))}
                  {cell('nonWorkingDayMeetingHours', t.nonWorkingDay, n(m?.nonWorkingDayMeetingHours))}
                  {cell('focusHours', t.focusHours, n(m?.focusHours))}
                  {cell('meetingShare', o.meetingShare, percent(locale, m?.meetingShare ?? 0))}
                  {cell('backToBackChains', o.chains, n(m?.backToBackChains))}
                </tr>
              );
            }),
          )}
        </tbody>
      </table>
    </details>
  );
}
