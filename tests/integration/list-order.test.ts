import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, newWorkspace } from '../helpers/app';
import { icsCalendar, icsEvent } from '../helpers/ics';

type T = Awaited<ReturnType<typeof createTestApp>>;

let t: T;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const ics = (n: number) => icsCalendar([icsEvent({ uid: `e${n}@test`, start: '20261124T100000Z', end: '20261124T110000Z', title: `Event ${n}` })]);

describe('oldest-first lists', () => {
  it('when several API keys are created within the same second, then the list shows them in creation order every time', async () => {
    const { apiKey } = await newWorkspace(t.api);
    const made: string[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await t.api('POST', '/v1/workspace/keys', { key: apiKey, json: { label: `k${i}` } });
      expect(res.status, res.text).toBe(201);
      made.push(res.json.key.id);
    }
    for (let round = 0; round < 3; round++) {
      const list = await t.api('GET', '/v1/workspace/keys', { key: apiKey });
      expect(list.json.keys.map((k: { id: string }) => k.id).slice(1)).toEqual(made);
    }
  });

  it('when several connections are made within the same second, then the list shows them in creation order', async () => {
    const { apiKey } = await newWorkspace(t.api);
    const member = await t.api('POST', '/v1/members', { key: apiKey, json: { email: 'ayu@example.com', name: 'Ayu', timeZone: 'UTC' } });
    const made: string[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await t.api('POST', `/v1/connections/ics?memberId=${member.json.id}&name=c${i}.ics`, {
        key: apiKey,
        body: ics(i),
        headers: { 'content-type': 'text/calendar' },
      });
      expect(res.status, res.text).toBe(201);
      made.push(res.json.id);
    }
    const list = await t.api('GET', '/v1/connections', { key: apiKey });
    expect(list.json.connections.map((c: { id: string }) => c.id)).toEqual(made);
  });
});
