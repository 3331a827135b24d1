import { Layout, type PageContext } from './layout';
import { noticeTexts } from './texts/notices';

/** The page for a dashboard address that does not exist: in the visitor's language, with a way home. */
export function NotFoundPage(props: { ctx: PageContext }) {
  const { ctx } = props;
  const x = noticeTexts(ctx.locale);
  return (
    <Layout ctx={ctx} title={ctx.t.notFoundTitle}>
      <section class="card narrow" data-testid="not-found">
        <h1>{ctx.t.notFoundTitle}</h1>
        <p>{x.notFoundLead}</p>
        <p>
          <a class="button" href="/">
            {x.notFoundHome}
          </a>
        </p>
      </section>
    </Layout>
  );
}
