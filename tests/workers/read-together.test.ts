import { env } from 'cloudflare:test';
import { drizzle } from 'drizzle-orm/d1';
import { expect, it } from 'vitest';
import { createPeopleRepository } from '../../src/db/people.repository';
import type { Db } from '../../src/db/database';

// D1's batch answers rows as objects keyed by column name, which drizzle turns back into columns in order:
// a join whose tables share a column name would lose one of them there (not on better-sqlite3).
it('when memberships and the data version are read in one D1 batch, then they match the reads made one by one', async () => {
  const d1 = (env as unknown as { DB: D1Database }).DB;
  await d1.prepare("INSERT INTO workspaces (id, name, hourly_rate, currency, focus_min_minutes, data_version) VALUES ('ws_t','T',0,'USD',120,7)").run();
  await d1.prepare("INSERT INTO people (id, email, name, locale, verified_by, created_at) VALUES ('p1','a@x.org','Ann','de','link',1)").run();
  await d1.prepare("INSERT INTO memberships (workspace_id, person_id, role, member_id, share_numbers, created_at) VALUES ('ws_t','p1','manager',NULL,1,2)").run();
  const repo = createPeopleRepository({ db: drizzle(d1) as unknown as Db });
  const got = await repo.listMembershipsAndVersion('ws_t');
  expect(got).toEqual({ dataVersion: 7, memberships: await repo.listMemberships('ws_t') });
  expect(got.memberships[0]).toMatchObject({ workspaceId: 'ws_t', personId: 'p1', role: 'manager', memberId: null, shareNumbers: true, email: 'a@x.org', name: 'Ann', locale: 'de' });
  expect(await repo.listMembershipsAndVersion('ws_none')).toEqual({ dataVersion: 0, memberships: [] });
});
