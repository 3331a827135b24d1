// The baseline for `npm run bench:load` and `npm run bench:worker`: a bare Hono app on the same
// Node server adapter. /ok for bench:load; /healthz and /payload as in bench/bare-worker.ts.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

let payload = '{}';
const app = new Hono()
  .get('/ok', (c) => c.text('ok'))
  .get('/healthz', (c) => c.json({ ok: true }))
  .put('/payload', async (c) => {
    payload = await c.req.text();
    return c.body(null, 204);
  })
  .get('/payload', (c) => c.body(payload, 200, { 'content-type': 'application/json' }));
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log(`listening on http://127.0.0.1:${info.port}`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
