/**
 * The focus page: the plan per member, what applying would write and for whom nothing can be
 * written, and each member's timeline. `FocusPage` runs past the usual 80 lines: it is the one
 * template of that page, read top to bottom as the page is; the timeline is its own component.
 */
import { DateTime } from 'luxon';
import { layoutTimeline } from './charts';
import { formatHours, type Locale } from './i18n';
import { Csrf, Layout, Swatch, type PageContext } from './layout';
import { UnnamedNote } from './overview';
import { ScrollChart } from './chart-frame';
import { FocusOutcome, type FocusOutcomeMember } from './outcomes';
import { noticeTexts } from './texts/notices';

/** What turning focus protection on or off did (off removes upcoming blocks), for the page it redirects to. */
export function focusToggledText(locale: Locale, name: string | undefined, toggled: { enabled: boolean; removed: number; failed: number }): string {
  const x = noticeTexts(locale);
  const who = name ?? x.someone;
  return toggled.enabled ? x.focusOn(who) : x.focusOff(who, toggled.removed, toggled.failed);
}

/** Names shown in a "nothing can be written for …" sentence before the rest become a count. */
const NAMED_IN_NOTICE = 8;

/**
 * Before "apply": the members for whom nothing can be written, by name (only members this viewer
 * may see by name are on the page), split by why: no writable calendar, or a grant to renew.
 */
function CannotWrite(props: { ctx: PageContext; members: readonly FocusMemberView[] }) {
  const { locale } = props.ctx;
  const x = noticeTexts(locale);
  const names = (list: readonly FocusMemberView[]) => {
    const shown = list.slice(0, NAMED_IN_NOTICE).map((m) => m.name);
    if (list.length > NAMED_IN_NOTICE) shown.push(x.focusOthers(list.length - NAMED_IN_NOTICE));
    return new Intl.ListFormat(locale === 'id' ? 'id-ID' : 'en-US', { type: 'conjunction' }).format(shown);
  };
  const blocked = props.members.filter((m) => m.writable === false);
  const none = blocked.filter((m) => !m.mustReconnect);
  const expired = blocked.filter((m) => m.mustReconnect);
  if (blocked.length === 0) return null;
  return (
    <ul class="notice cannot-write plain" data-testid="focus-cannot-write">
      {none.length > 0 ? <li data-reason="no_calendar">{x.focusCannotWrite(names(none))}</li> : null}
      {expired.length > 0 ? <li data-reason="reconnect">{x.focusMustReconnect(names(expired))}</li> : null}
    </ul>
  );
}

/** One member's focus plan as the panel shows it (DESIGN.md "Focus" contract, plus state). */
export interface FocusMemberView {
  memberId: string;
  email: string;
  name: string;
  timeZone: string;
  targetHours: number;
  achievableHours: number;
  plannedHours: number;
  /** Hours already protected by blocks in the calendar. */
  protectedHours: number;
  enabled: boolean | null;
  missedReason: string | null;
  /** Planned (not yet in the calendar) and protected (already written) blocks, UTC ms. */
  blocks: Array<{ start: number; end: number; kind: 'planned' | 'protected' }>;
  /** Whether applying can write: the member has a Google or Outlook calendar (ICS is read-only). */
  writable?: boolean;
  /** Not writable because their Google / Outlook grant expired (rather than having none). */
  mustReconnect?: boolean;
}

export interface FocusView {
  /** Local dates of the week shown, Monday first. */
  days: string[];
  members: FocusMemberView[];
  /** Whether "apply" and per-member enable are available (the service supports them). */
  canApply: boolean;
  canToggle: boolean;
}

const DAY_START_HOUR = 7;
const DAY_END_HOUR = 20;

function WeekTimeline(props: { ctx: PageContext; member: FocusMemberView; days: string[] }) {
  const { t } = props.ctx;
  const { member } = props;
  // 11 px hour labels need about 60 units each: 280 units hold the five of them.
  const width = 280;
  const left = 44;
  const rowH = 18;
  const days = props.days.map((date) => DateTime.fromISO(date, { zone: member.timeZone }));
  return (
    <ScrollChart
      region={`${t.focusTitle}: ${member.name}`}
      width={left + width + 4}
      height={days.length * rowH + 20}
      split={left}
      class="focus-week"
      label={`${t.focusTitle}: ${member.name}`}
      names={days.map((day, i) => (
        <text class="axis" x={left - 4} y={14 + i * rowH + 12} text-anchor="end">
          {t.days[day.weekday - 1]!}
        </text>
      ))}
    >
      {[DAY_START_HOUR, 10, 13, 16, 19].map((h) => (
        <text class="axis" x={left + ((h - DAY_START_HOUR) / (DAY_END_HOUR - DAY_START_HOUR)) * width} y={10} text-anchor={h === DAY_START_HOUR ? 'start' : 'middle'}>
          {`${String(h).padStart(2, '0')}:00`}
        </text>
      ))}
      {days.map((day, i) => {
        const window = { start: day.set({ hour: DAY_START_HOUR }).toMillis(), end: day.set({ hour: DAY_END_HOUR }).toMillis() };
        const y = 14 + i * rowH;
        return (
          <g>
            <rect class="track" x={left} y={y + 2} width={width} height={rowH - 5} />
            {layoutTimeline(member.blocks, window, { x0: left, width }).map((b) => (
              <rect class={`focus-${b.kind}`} x={b.x} y={y + 2} width={b.width} height={rowH - 5}>
                <title>{`${b.kind === 'protected' ? t.focusProtected : t.focusPlanned}: ${DateTime.fromMillis(b.start, { zone: member.timeZone }).toFormat('ccc HH:mm')}–${DateTime.fromMillis(b.end, { zone: member.timeZone }).toFormat('HH:mm')}`}</title>
              </rect>
            ))}
          </g>
        );
      })}
    </ScrollChart>
  );
}

export function FocusPage(props: {
  ctx: PageContext;
  focus: FocusView | undefined;
  unnamed?: number;
  /** What the last "apply" did (shown once, after its redirect). */
  outcome?: { rows: Array<{ name: string; outcome: FocusOutcomeMember }>; unnamed: number } | undefined;
}) {
  const { ctx, focus } = props;
  const { t, locale } = ctx;
  return (
    <Layout ctx={ctx} title={t.navFocus}>
      <h1>{t.focusTitle}</h1>
      <p class="lead">{t.focusLead}</p>
      {props.unnamed ? <UnnamedNote ctx={ctx} count={props.unnamed} /> : null}
      {props.outcome ? <FocusOutcome ctx={ctx} rows={props.outcome.rows} unnamed={props.outcome.unnamed} /> : null}
      {!focus ? (
        <p class="empty" data-testid="focus-unavailable">
          {t.focusUnavailable}
        </p>
      ) : (
        <>
          {focus.canApply ? (
            <form method="post" action="/focus/apply" class="card apply">
              <Csrf token={ctx.session!.csrf} />
              <CannotWrite ctx={ctx} members={focus.members} />
              {focus.members.length > 0 && focus.members.every((m) => m.writable === false) ? (
                <p class="muted" data-testid="focus-none-writable">
                  {t.focusNoneWritable}
                </p>
              ) : null}
              <label class="check">
                <input type="checkbox" name="confirm" value="yes" required />
                {t.focusConfirm}
              </label>
              <button type="submit">{t.focusApply}</button>
            </form>
          ) : null}
          <ul class="legend">
            {(['planned', 'protected'] as const).map((kind) => (
              <li>
                <Swatch class={`focus-${kind}`} />
                {kind === 'planned' ? t.focusPlanned : t.focusProtected}
              </li>
            ))}
          </ul>
          <div class="grid-cards">
            {focus.members.map((m) => {
              const share = m.targetHours > 0 ? Math.min(1, (m.plannedHours + m.protectedHours) / m.targetHours) : 0;
              return (
                <section class="card" data-member={m.email} aria-label={m.name}>
                  <h2>
                    {m.name} <span class="muted small-text">{m.timeZone}</span>
                  </h2>
                  <div class="progress-row">
                    <svg viewBox="0 0 200 12" class="progress" role="img" aria-label={`${t.focusPlanned} + ${t.focusProtected}: ${formatHours(locale, m.plannedHours + m.protectedHours)} / ${formatHours(locale, m.targetHours)} ${t.hours}`}>
                      <rect class="track" width="200" height="12" rx="6" />
                      <rect class="focus-protected" width={String(Math.round(share * 200))} height="12" rx="6" />
                    </svg>
                    <span>{`${formatHours(locale, m.plannedHours + m.protectedHours)} / ${formatHours(locale, m.targetHours)} ${t.hours}`}</span>
                  </div>
                  {m.missedReason ? <p class="muted small-text">{m.missedReason}</p> : null}
                  {m.writable === false ? (
                    <p class="muted small-text" data-testid="focus-not-writable">
                      {m.mustReconnect ? noticeTexts(locale).focusMustReconnect(m.name) : t.focusNotWritable}
                    </p>
                  ) : null}
                  {m.blocks.length === 0 ? <p class="empty">{t.focusNone}</p> : <WeekTimeline ctx={ctx} member={m} days={focus.days} />}
                  {focus.canToggle && m.enabled !== null ? (
                    <form method="post" action="/focus/enable" class="inline">
                      <Csrf token={ctx.session!.csrf} />
                      <input type="hidden" name="memberId" value={m.memberId} />
                      <input type="hidden" name="enabled" value={m.enabled ? 'false' : 'true'} />
                      <span class="muted">{m.enabled ? t.focusEnabled : t.focusDisabled}</span>{' '}
                      <button type="submit" class="small secondary">
                        {m.enabled ? t.focusDisable : t.focusEnable}
                      </button>
                    </form>
                  ) : null}
                </section>
              );
            })}
          </div>
        </>
      )}
    </Layout>
  );
}
