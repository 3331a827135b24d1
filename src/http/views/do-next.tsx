import { roleAtLeast } from '../../domain/roles';
import type { DoNextEntry, DoNextList } from '../../services/do-next';
import { formatHours, formatMoney } from './i18n';
import { Csrf, type PageContext } from './layout';
import { fill, percent } from './overview-format';
import { overviewTexts, type OverviewTexts } from './texts/overview';

/** The one-click action of an item: a form posting to the action that already exists for it (POST-redirect-GET there). */
function Action(props: { ctx: PageContext; o: OverviewTexts; item: DoNextEntry; mail: boolean }) {
  const { ctx, o, item } = props;
  const csrf = ctx.session!.csrf;
  const admin = roleAtLeast(ctx.session?.role ?? 'member', 'admin');
  if (item.kind === 'series') {
    if (!admin) return <p class="muted">{o.needsAdmin}</p>;
    // Without any mail transport the suggestion could not leave: the flags page says why and offers the other ways.
    if (!props.mail) return <a href={`/flags#${encodeURIComponent(item.seriesKey)}`}>{o.seriesOpen}</a>;
    return (
      <form method="post" action="/flags/queue" class="inline">
        <Csrf token={csrf} />
        <input type="hidden" name="seriesKey" value={item.seriesKey} />
        <button type="submit">{o.seriesAction}</button>
      </form>
    );
  }
  if (item.kind === 'focus') {
    if (!admin) return <p class="muted">{o.needsAdmin}</p>;
    return (
      <form method="post" action="/focus/apply" class="inline">
        <Csrf token={csrf} />
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit">{o.focusAction}</button>
      </form>
    );
  }
  const r = item.replan;
  if (!r) return <a href={`/rotation/${encodeURIComponent(item.rotationId)}`}>{ctx.t.navRotation}</a>;
  return (
    <form method="post" action="/rotation" class="inline">
      <Csrf token={csrf} />
      <input type="hidden" name="title" value={r.title} />
      <input type="hidden" name="durationMinutes" value={String(r.durationMinutes)} />
      <input type="hidden" name="every" value={String(r.every)} />
      <input type="hidden" name="unit" value={r.unit} />
      <input type="hidden" name="occurrences" value={String(r.occurrences)} />
      <input type="hidden" name="startDate" value={r.startDate} />
      {r.participants.map((p) => (
        <input type="hidden" name="participant" value={p} />
      ))}
      <input type="hidden" name="extra" value={r.extra} />
      <button type="submit">{o.rotationAction}</button>
    </form>
  );
}

function Describe(props: { ctx: PageContext; o: OverviewTexts; item: DoNextEntry; currency: string }) {
  const { ctx, o, item } = props;
  const { locale } = ctx;
  if (item.kind === 'series') {
    return (
      <>
        <div class="do-title">{fill(o.seriesItem, { title: item.title })}</div>
        <div class="do-figures">
          {fill(o.seriesSaves, { h: formatHours(locale, item.hoursPerYear) })}
          {item.moneyPerYear !== null ? ` · ${fill(o.seriesMoney, { money: formatMoney(locale, item.moneyPerYear, props.currency) })}` : ''}
        </div>
      </>
    );
  }
  if (item.kind === 'focus') {
    const names = item.named.map((p) => p.name);
    if (item.unnamed > 0) names.push(fill(o.focusUnnamed, { n: item.unnamed }));
    return (
      <>
        <div class="do-title">{o.focusItem}</div>
        <div class="do-figures">{names.join(', ')}</div>
      </>
    );
  }
  return <div class="do-title">{fill(o.rotationItem, { title: item.title, zone: item.zone, burden: percent(locale, item.burdenShare), people: percent(locale, item.peopleShare) })}</div>;
}

/** "Do next" on the overview: the viewer's ranked list, each item with its action, dismiss and snooze, and the total hours back. */
export function DoNextSection(props: { ctx: PageContext; list: DoNextList; mail: boolean }) {
  const { ctx, list } = props;
  const o = overviewTexts(ctx.locale);
  const csrf = ctx.session!.csrf;
  return (
    <section aria-labelledby="do-next-title" class="card" id="do-next" data-testid="do-next">
      <h2 id="do-next-title">{o.doNextTitle}</h2>
      <p class="lead">{o.doNextLead}</p>
      {list.items.length === 0 ? (
        <p class="empty">{o.doNextEmpty}</p>
      ) : (
        <>
          <p class="do-total" data-testid="do-next-total">
            {fill(o.doNextTotal, { h: formatHours(ctx.locale, list.hoursPerMonth) })}
          </p>
          <ol class="do-next">
            {list.items.map((item) => (
              <li data-key={item.key}>
                <Describe ctx={ctx} o={o} item={item} currency={list.currency} />
                {item.hoursPerMonth > 0 ? <div class="do-hours">{fill(o.perMonth, { h: formatHours(ctx.locale, item.hoursPerMonth) })}</div> : null}
                <div class="row-actions">
                  <Action ctx={ctx} o={o} item={item} mail={props.mail} />
                  {(['dismiss', 'snooze'] as const).map((how) => (
                    <form method="post" action={`/do-next/${how}`} class="inline">
                      <Csrf token={csrf} />
                      <input type="hidden" name="key" value={item.key} />
                      <button type="submit" class="secondary">
                        {how === 'dismiss' ? o.dismiss : o.snooze}
                      </button>
                    </form>
                  ))}
                </div>
              </li>
            ))}
          </ol>
        </>
      )}
      {list.hidden > 0 ? <p class="muted">{fill(o.doNextHidden, { n: list.hidden })}</p> : null}
    </section>
  );
}
