import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, newWorkspace } from '../helpers/app';

type T = Awaited<ReturnType<typeof createTestApp>>;

const range = { from: '2026-11-02', to: '2026-11-30' };
const fmt = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const team = ['ayu@acme.id', 'budi@acme.id', 'sri@acme.id', 'dana@acme.id'];

const vevent = (uid: string, title: string, start: string, description?: string) =>
  [
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20261101T000000Z',
    `DTSTART:${fmt(new Date(start))}`,
    `DTEND:${fmt(new Date(Date.parse(start) + 30 * 60_000))}`,
    'RRULE:FREQ=WEEKLY;COUNT=4',
    `SUMMARY:${title}`,
    ...(description ? [`DESCRIPTION:${description}`] : []),
    'ORGANIZER:mailto:ayu@acme.id',
    ...team.map((a) => `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${a}`),
    'END:VEVENT',
  ].join('\r\n');

const ics = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//test//EN',
  vevent('squad-1', 'Squad 1 weekly update', '2026-11-02T02:00:00Z'),
  vevent('squad-2', 'Squad 2 weekly update', '2026-11-03T02:00:00Z'),
  vevent('squad-3', 'Squad 3 weekly update', '2026-11-04T02:00:00Z'),
  vevent('forum', 'Architecture forum', '2026-11-05T02:00:00Z', 'FYI: a readout of what shipped this week. No need to prepare.'),
  'END:VCALENDAR',
  '',
].join('\r\n');

async function workspaceWithCalendar(t: T, name: string) {
  const { apiKey: key, workspace } = await newWorkspace(t.api, name);
  let ayu = '';
  for (const email of team) {
    const res = await t.api('POST', '/v1/members', { key, json: { email, name: email.split('@')[0], timeZone: 'Asia/Jakarta', locale: 'id' } });
    expect(res.status).toBe(201);
    if (email === 'ayu@acme.id') ayu = res.json.id;
  }
  expect((await t.api('POST', '/v1/connections/ics', { key, json: { memberId: ayu, ics, name: 'cal.ics' } })).status).toBe(201);
  return { key, workspaceId: workspace.id };
}

const listAll = async (t: T, key: string) =>
  (await t.api('GET', `/v1/flags?from=${range.from}&to=${range.to}&includeDecided=true`, { key })).json.series as Array<{
    seriesKey: string;
    score: number;
    verdict: string;
    reasons: Array<{ code: string; points: number; detail: string }>;
  }>;

let t: T;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

describe('flags learn from organizers’ decisions', () => {
  it('when a description states a readout, then the stored facts make it a reason, and the text is not stored', async () => {
    const { key, workspaceId } = await workspaceWithCalendar(t, 'Acme');
    const forum = (await listAll(t, key)).find((s) => s.seriesKey === 'forum')!;
    expect(forum.reasons.map((r) => r.code)).toContain('description.readout');
    expect(forum.verdict).not.toBe('keep');
    const stored = JSON.stringify(await t.deps.repos.events.listInWindow(workspaceId, { start: 0, end: Date.parse('2027-01-01') }));
    expect(stored).not.toContain('what shipped');
  });

  it('when organizers keep two similar series, then the third carries "2 similar meetings were kept" with its points; another workspace with the same meetings is untouched', async () => {
    const { key: acme } = await workspaceWithCalendar(t, 'Acme');
    const { key: other } = await workspaceWithCalendar(t, 'Other');
    const before = (await listAll(t, acme)).find((s) => s.seriesKey === 'squad-3')!;
    for (const seriesKey of ['squad-1', 'squad-2']) {
      expect((await t.api('POST', '/v1/flags/decisions', { key: acme, json: { seriesKey, decision: 'keep' } })).status).toBe(200);
    }
    const after = (await listAll(t, acme)).find((s) => s.seriesKey === 'squad-3')!;
    const reason = after.reasons.find((r) => r.code === 'history.similar_kept');
    expect(reason?.detail).toMatch(/^2 similar meetings were kept by their organizers\./);
    expect(reason!.points).toBeLessThan(0);
    expect(after.score).toBe(before.score + reason!.points);
    expect(after.reasons.reduce((sum, r) => sum + r.points, 0)).toBe(after.score);
    // Never across workspaces: the other workspace has the same series and no decisions.
    const untouched = (await listAll(t, other)).find((s) => s.seriesKey === 'squad-3')!;
    expect(untouched.reasons.map((r) => r.code)).not.toContain('history.similar_kept');
    expect(untouched.score).toBe(before.score);
  });
});
