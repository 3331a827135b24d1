/**
 * The bare twin of the project's Worker for `npm run bench:worker`: a Hono app under the same
 * `wrangler dev --local` and compatibility settings, answering /healthz as the project does and
 * /payload with whatever bytes were last PUT there (the benchmark puts the audit report there,
 * so the twin of a cached audit sends the same body without any of the work around it).
 */
import { Hono } from 'hono';

let payload = '{}';

const app = new Hono()
  .get('/healthz', (c) => c.json({ ok: true }))
  .put('/payload', async (c) => {
    payload = await c.req.text();
    return c.body(null, 204);
  })
  .get('/payload', (c) => c.body(payload, 200, { 'content-type': 'application/json' }));

export default app;
