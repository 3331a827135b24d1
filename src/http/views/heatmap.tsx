import type { MeetingHeatmap } from '../../domain/meeting-heatmap';
import type { MemberRow } from '../../db/members.repository';
import type { WeekRange } from '../../services/dashboard';
import { ScrollChart } from './chart-frame';
import { layoutHeatmap } from './charts';
import { Layout, Swatch, WeekPicker, type PageContext } from './layout';
import { UnnamedNote } from './overview';

const pad = (h: number) => `${String(h).padStart(2, '0')}:00`;

function MemberHeatmap(props: { ctx: PageContext; member: MemberRow; heatmap: MeetingHeatmap; index: number }) {
  const { t } = props.ctx;
  const { member, heatmap } = props;
  const layout = layoutHeatmap(heatmap.minutes, heatmap.working);
  const minutes = new Intl.NumberFormat(props.ctx.locale === 'id' ? 'id-ID' : 'en-US', { maximumFractionDigits: 0 });
  const id = `hm-${props.index}`;
  return (
    <figure class="card heatmap" data-member={member.email}>
      <figcaption>
        <strong>{member.name}</strong> <span class="muted">{member.timeZone}</span>
        <span class="pill" data-testid="outside-per-week">
          {`${Math.round(heatmap.outsideMinutesPerWeek)} ${t.minutes} ${t.outsidePerWeek}`}
        </span>
      </figcaption>
      <ScrollChart
        region={`${t.heatmapTitle}: ${member.name}`}
        width={layout.width}
        height={layout.height}
        split={layout.left}
        class="heat"
        role="group"
        labelledby={`${id}-title ${id}-desc`}
        names={layout.dayLabels.map((l) => (
          <text class="axis" x={layout.left - 4} y={l.y} text-anchor="end">
            {t.days[l.day]!}
          </text>
        ))}
      >
        <title id={`${id}-title`}>{`${t.heatmapTitle}: ${member.name} (${member.timeZone})`}</title>
        <desc id={`${id}-desc`}>{`${Math.round(heatmap.outsideMinutesPerWeek)} ${t.minutes} ${t.outsidePerWeek}`}</desc>
        {layout.hourLabels.map((l) => (
          <text class="axis" x={l.x} y={layout.top - 4} aria-hidden="true">
            {pad(l.hour)}
          </text>
        ))}
        {/* Each hour with meetings is named for screen readers; empty hours stay silent. */}
        {layout.cells.map((c) => {
          const text = `${t.days[c.day]} ${pad(c.hour)}: ${minutes.format(c.minutes)} ${t.minutes}`;
          return c.minutes > 0 ? (
            <rect x={c.x} y={c.y} width={c.width} height={c.height} class={`heat-${c.level}`} role="img" aria-label={text}>
              <title>{text}</title>
            </rect>
          ) : (
            <rect x={c.x} y={c.y} width={c.width} height={c.height} class={`heat-${c.level}`} aria-hidden="true">
              <title>{text}</title>
            </rect>
          );
        })}
        {layout.outlines.map((o) => (
          <rect class="working" x={o.x} y={o.y} width={o.width} height={o.height} aria-hidden="true" />
        ))}
      </ScrollChart>
    </figure>
  );
}

export function HeatmapPage(props: { ctx: PageContext; range: WeekRange; heatmaps: Array<{ member: MemberRow; heatmap: MeetingHeatmap }>; unnamed?: number }) {
  const { ctx } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.navHeatmap}>
      <div class="page-head">
        <h1>{t.heatmapTitle}</h1>
        <WeekPicker ctx={ctx} from={props.range.from} weeks={props.range.weeks.length} />
      </div>
      <p class="lead">{t.heatmapLead}</p>
      {props.unnamed ? <UnnamedNote ctx={ctx} count={props.unnamed} /> : null}
      <ul class="legend" aria-label={t.heatmapLegend}>
        {['0', '≤ 10', '≤ 20', '≤ 30', '≤ 45', '> 45'].map((label, level) => (
          <li>
            <Swatch class={`heat-${level}`} />
            {`${label} ${t.minutes}`}
          </li>
        ))}
        <li>
          <svg width="20" height="14" aria-hidden="true" focusable="false">
            <rect x="1" y="1" width="18" height="12" class="working" />
          </svg>
          {t.workingHours}
        </li>
      </ul>
      {props.heatmaps.length === 0 ? (
        <p class="empty">{t.noMembers}</p>
      ) : (
        <div class="grid-heatmaps">
          {props.heatmaps.map((h, i) => (
            <MemberHeatmap ctx={ctx} member={h.member} heatmap={h.heatmap} index={i} />
          ))}
        </div>
      )}
    </Layout>
  );
}
