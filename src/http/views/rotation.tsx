/**
 * The rotation pages: the plan form, a result (fairness, per-person burden, the occurrences) and
 * the ledger. `RotationResult` runs past the usual 80 lines: it is the one template of that page,
 * read top to bottom as the page is; its charts and tables are components of their own.
 */
import type { MemberRow } from '../../db/members.repository';
import type { LedgerView, RotationView } from '../../services/rotation';
import { layoutHorizontalBars, painLevel } from './charts';
import { ScrollChart } from './chart-frame';
import type { Locale, Messages } from './i18n';
import { Csrf, Layout, Swatch, type PageContext } from './layout';

export interface RotationFormValues {
  title: string;
  durationMinutes: number;
  every: number;
  unit: 'week' | 'day';
  occurrences: number;
  startDate: string;
  participants: string[];
  extra: string;
}

/** Local start `HH:MM` and weekday of an ISO instant with offset (as the plan gives them). */
const localTime = (iso: string) => iso.slice(11, 16);

function RotationForm(props: { ctx: PageContext; members: MemberRow[]; values: RotationFormValues }) {
  const { t } = props.ctx;
  const v = props.values;
  return (
    <form method="post" action="/rotation" class="card rotation-form" aria-labelledby="rot-form-title">
      <h2 id="rot-form-title">{t.rotPreview}</h2>
      <Csrf token={props.ctx.session!.csrf} />
      <div class="fields">
        <label>
          {t.rotTitle}
          <input name="title" required maxlength={200} value={v.title} />
        </label>
        <label>
          {t.rotDuration}
          <select name="durationMinutes">
            {[15, 30, 45, 60, 90].map((m) => (
              <option value={String(m)} selected={m === v.durationMinutes}>
                {String(m)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.rotEvery}
          <input name="every" type="number" min={1} max={52} value={String(v.every)} required />
        </label>
        <label>
          {t.rotUnit}
          <select name="unit">
            <option value="week" selected={v.unit === 'week'}>
              {t.rotWeek}
            </option>
            <option value="day" selected={v.unit === 'day'}>
              {t.rotDay}
            </option>
          </select>
        </label>
        <label>
          {t.rotOccurrences}
          <input name="occurrences" type="number" min={1} max={104} value={String(v.occurrences)} required />
        </label>
        <label>
          {t.rotStart}
          <input name="startDate" type="date" value={v.startDate} required />
        </label>
      </div>
      <fieldset>
        <legend>{t.rotParticipants}</legend>
        <div class="checks">
          {props.members.map((m) => (
            <label class="check">
              <input type="checkbox" name="participant" value={m.email} checked={v.participants.includes(m.email)} />
              {m.name} <span class="muted">{m.timeZone}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <label>
        {t.rotExtra}
        <textarea name="extra" rows={2}>
          {v.extra}
        </textarea>
      </label>
      <button type="submit">{t.rotPreview}</button>
    </form>
  );
}

/** A fairness figure with two decimals, the locale's way ("1,25" in Indonesian). */
const fixed2 = (locale: Locale, value: number) =>
  new Intl.NumberFormat(locale === 'id' ? 'id-ID' : 'en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);

/** Room for a name at 11 px (about 25 characters). */
const LEDGER_LABELS = 170;

function LedgerBars(props: { t: Messages; rows: Array<{ label: string; history: number; series: number }>; title: string; id: string }) {
  const { t } = props;
  const layout = layoutHorizontalBars(
    props.rows.map((r) => ({ label: r.label, parts: [{ key: 'history', value: r.history }, { key: 'series', value: r.series }] })),
    { width: 520, labelWidth: LEDGER_LABELS },
  );
  return (
    <ScrollChart
      region={`${props.title}: ${t.rotHistory}, ${t.rotSeries}`}
      width={layout.width}
      height={layout.height}
      split={LEDGER_LABELS}
      class="ledger"
      labelledby={`${props.id}-t`}
      names={layout.rows.map((row) => (
        <text x={LEDGER_LABELS - 6} y={row.labelY + 4} text-anchor="end" class="axis">
          {row.label}
        </text>
      ))}
    >
      <title id={`${props.id}-t`}>{props.title}</title>
      {layout.rows.map((row) => (
        <g>
          {row.parts.map((p) => (
            <rect x={p.x} y={row.y} width={p.width} height={p.height} class={`ledger-${p.key}`}>
              <title>{`${row.label}: ${p.key === 'history' ? t.rotHistory : t.rotSeries} ${Math.round(p.value)}`}</title>
            </rect>
          ))}
          <text x={(row.parts.at(-1)?.x ?? LEDGER_LABELS) + (row.parts.at(-1)?.width ?? 0) + 6} y={row.labelY + 4} class="axis">
            {String(Math.round(row.total))}
          </text>
        </g>
      ))}
    </ScrollChart>
  );
}

function PainLegend(props: { t: Messages }) {
  return (
    <ul class="legend">
      {props.t.painLegend.map((label, level) => (
        <li>
          <Swatch class={`pain-${level}`} />
          {label}
        </li>
      ))}
    </ul>
  );
}

function RotationResult(props: { ctx: PageContext; rotation: RotationView; names: Map<string, string> }) {
  const { ctx, rotation } = props;
  const { t } = ctx;
  const emails = rotation.ledger.map((l) => l.email);
  const name = (email: string) => props.names.get(email) ?? email;
  return (
    <section class="card" aria-labelledby="rot-result" data-testid="rotation-result">
      <h2 id="rot-result">{`${rotation.title}: ${t.rotGrid}`}</h2>
      <p class="lead">{t.rotGridLead}</p>
      <PainLegend t={t} />
      <div class="table-scroll" role="region" aria-label={t.rotGrid} tabindex={0}>
        <table class="data rotation-grid" data-testid="rotation-grid">
          <thead>
            <tr>
              <th scope="col">{`${t.rotDate} (${rotation.timeZone})`}</th>
              {emails.map((e) => (
                <th scope="col">
                  {name(e)}
                  <span class="muted small-text">{rotation.ledger.find((l) => l.email === e)?.timeZone}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rotation.occurrences.map((o) => (
              <tr>
                <th scope="row">{`${o.date} ${o.slot}`}</th>
                {emails.map((e) => {
                  const pain = o.pain[e] ?? 0;
                  const level = painLevel(pain);
                  return (
                    <td class={`pain-cell pain-${level}`} title={`${name(e)}: ${o.local[e] ?? ''} · ${Math.round(pain)}`}>
                      {localTime(o.local[e] ?? '')}
                      <span class="sr-only">{` (${t.painLegend[level]})`}</span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>{t.rotLedger}</h3>
      <ul class="legend">
        {(['history', 'series'] as const).map((key) => (
          <li>
            <Swatch class={`ledger-${key}`} />
            {key === 'history' ? t.rotHistory : t.rotSeries}
          </li>
        ))}
      </ul>
      <LedgerBars t={t} id="rot-ledger" title={t.rotLedger} rows={rotation.ledger.map((l) => ({ label: name(l.email), history: l.history, series: l.seriesPain }))} />
      <dl class="meta inline-meta">
        <dt>{t.rotMaxOverMean}</dt>
        <dd>{fixed2(ctx.locale, rotation.fairness.maxOverMean)}</dd>
        <dt>{t.rotGini}</dt>
        <dd>{fixed2(ctx.locale, rotation.fairness.gini)}</dd>
        <dt>{t.rotSlots}</dt>
        <dd>{String(rotation.fairness.distinctSlots)}</dd>
      </dl>
      <h3>{t.rotWho}</h3>
      <div class="table-scroll" role="region" aria-label={t.rotWho} tabindex={0}>
        <table class="data" data-testid="rotation-who">
          <thead>
            <tr>
              <th scope="col">{t.rotPerson}</th>
              <th scope="col">{t.rotBurden}</th>
              <th scope="col">{t.rotNights}</th>
              <th scope="col">{t.rotNightsCarried}</th>
              <th scope="col">{t.rotBreaks}</th>
            </tr>
          </thead>
          <tbody>
            {[...rotation.ledger]
              .sort((a, b) => b.burden - a.burden || a.email.localeCompare(b.email))
              .map((l) => (
                <tr>
                  <th scope="row">
                    {name(l.email)} <span class="muted small-text">{l.timeZone}</span>
                  </th>
                  <td>{String(Math.round(l.burden))}</td>
                  <td>{`${l.nightCount} / ${rotation.occurrences.length}`}</td>
                  <td>{String(l.historyNights ?? 0)}</td>
                  <td>{String(l.hardLimitBreakCount ?? 0)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
      <p class="explanation" lang={rotation.explanations?.[ctx.locale] ? ctx.locale : 'en'}>
        {rotation.explanations?.[ctx.locale] ?? rotation.explanation}
      </p>
      <div class="row-actions">
        <a class="button secondary" href={`/rotation/${encodeURIComponent(rotation.id)}/ics`}>
          {t.rotIcs}
        </a>
        {rotation.status === 'preview' ? (
          <form method="post" action={`/rotation/${encodeURIComponent(rotation.id)}/commit`} class="inline" data-confirm={t.confirmCommit}>
            <Csrf token={ctx.session!.csrf} />
            <button type="submit">{t.rotCommit}</button>
          </form>
        ) : (
          <span class="badge verdict-keep">{t.rotCommitted}</span>
        )}
      </div>
    </section>
  );
}

export function RotationPage(props: {
  ctx: PageContext;
  members: MemberRow[];
  values: RotationFormValues;
  rotation?: RotationView | undefined;
  ledger: LedgerView;
}) {
  const { ctx } = props;
  const { t } = ctx;
  const names = new Map(props.members.map((m) => [m.email, m.name]));
  return (
    <Layout ctx={ctx} title={t.navRotation}>
      <h1>{t.rotationTitle}</h1>
      <p class="lead">{t.rotationLead}</p>
      <div class="rotation-layout">
        <RotationForm ctx={ctx} members={props.members} values={props.values} />
        <section class="card" aria-labelledby="ledger-title">
          <h2 id="ledger-title">{t.ledgerTitle}</h2>
          {props.ledger.people.length === 0 ? (
            <p class="empty">{t.ledgerEmpty}</p>
          ) : (
            <LedgerBars t={t} id="ws-ledger" title={t.ledgerTitle} rows={props.ledger.people.map((p) => ({ label: names.get(p.email) ?? p.email, history: p.burden, series: 0 }))} />
          )}
        </section>
      </div>
      {props.rotation ? <RotationResult ctx={ctx} rotation={props.rotation} names={names} /> : null}
    </Layout>
  );
}
