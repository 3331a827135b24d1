/**
 * The weekly digest card on "My week": the person's choice for this workspace, a one-button form
 * that flips it, where the digest goes, why none can reach them (when that is so), and what
 * happened to the last one.
 */
import { DateTime } from 'luxon';
import type { DigestChoice } from '../../services/digest';
import { FlipForm } from './flip-form';
import type { PageContext } from './layout';
import { digestTexts } from './texts/digest';

/** `changed`: the page follows the person's own post of the form (POST-redirect-GET), so it says what is now stored. */
export function DigestCard(props: { ctx: PageContext; digest: DigestChoice & { changed: boolean } }) {
  const { ctx, digest } = props;
  const t = digestTexts(ctx.locale);
  const last = digest.last;
  const lastWeek = last ? DateTime.fromISO(last.week, { zone: 'utc' }).setLocale(ctx.locale === 'id' ? 'id-ID' : 'en-GB').toLocaleString(DateTime.DATE_MED) : '';
  const lastStatus = last ? (last.status === null ? t.status.skipped : (t.status[last.status as keyof typeof t.status] ?? last.status)) : '';
  return (
    <section class="card" aria-labelledby="digest-title" data-testid="digest">
      <h2 id="digest-title">{t.title}</h2>
      <p class="lead">{t.lead}</p>
      <p data-digest={digest.optIn ? 'on' : 'off'} class={digest.changed ? 'notice ok' : undefined} role={digest.changed ? 'status' : undefined}>
        {digest.optIn ? t.on : t.off}
      </p>
      {digest.optIn && digest.address ? <p class="muted small-text address">{`${t.goesTo} ${digest.address}`}</p> : null}
      {digest.optIn && digest.blockedBy ? (
        <p class="notice" data-blocked={digest.blockedBy}>
          {t.blocked[digest.blockedBy]}
        </p>
      ) : null}
      {last ? <p class="muted small-text">{`${t.lastWeek} ${lastWeek}: ${lastStatus}`}</p> : null}
      <FlipForm csrf={ctx.session!.csrf} action="/me/digest" name="optIn" on={digest.optIn} start={t.start} stop={t.stop} />
    </section>
  );
}
