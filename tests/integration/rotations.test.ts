import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rotateCommand } from '../../src/cli/rotate';
import { parseIcs } from '../../src/providers/ics/ics.mapper';
import { createTestApp, newWorkspace } from '../helpers/app';
import { icsCalendar, icsEvent } from '../helpers/ics';

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

/** London and New York share 14:00–17:00 London time in December; Tokyo (not a member) shares nothing with either. */
const members = [
  { email: 'lena@example.com', name: 'Lena', timeZone: 'Europe/London' },
  { email: 'noah@example.com', name: 'Noah', timeZone: 'America/New_York' },
];
const request = (extra: Record<string, unknown> = {}) => ({
  title: 'Weekly sync',
  durationMinutes: 60,
  cadence: { every: 1, unit: 'week' },
  occurrences: 4,
  startDate: '2026-12-07',
  participants: [{ email: 'lena@example.com' }, { email: 'noah@example.com' }, { email: 'kenji@example.com', timeZone: 'Asia/Tokyo' }],
  ...extra,
});

async function workspace(name = 'Acme') {
  const { apiKey } = await newWorkspace(t.api, name);
  const ids: Record<string, string> = {};
  for (const m of members) {
    const res = await t.api('POST', '/v1/members', { key: apiKey, json: m });
    ids[m.email] = res.json.id;
  }
  return { key: apiKey, ids };
}

describe('rotations API', () => {
  it('when a rotation is previewed, then it answers occurrences, ledger, fairness and explanation, with members\' zones from the workspace', async () => {
    const { key } = await workspace();
    const res = await t.api('POST', '/v1/rotations', { key, json: request() });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ status: 'preview', title: 'Weekly sync', committedAt: null, freeBusy: { sources: ['synced-calendars'] }, calendar: null });
    // No member has a Google or Outlook calendar, so live free/busy answered for nobody and is not named.
    expect(res.json.solver.name).toMatch(/^(exhaustive|heuristic)$/);
    expect(res.json.explanations.id).toEqual(expect.any(String));
    expect(res.json.id).toMatch(/^rot_/);
    expect(res.json.occurrences).toHaveLength(4);
    const first = res.json.occurrences[0];
    expect(Object.keys(first.local).sort()).toEqual(['kenji@example.com', 'lena@example.com', 'noah@example.com']);
    expect(first.local['noah@example.com']).toMatch(/-05:00$/);
    expect(first.local['kenji@example.com']).toMatch(/\+09:00$/);
    expect(res.json.ledger.map((l: any) => l.email)).toEqual(['lena@example.com', 'noah@example.com', 'kenji@example.com']);
    expect(Object.keys(res.json.fairness)).toEqual(expect.arrayContaining(['maxBurden', 'maxOverMean', 'gini', 'distinctSlots']));
    expect(res.json.explanation.length).toBeGreaterThan(20);
    const again = await t.api('GET', `/v1/rotations/${res.json.id}`, { key });
    expect(again.json).toEqual(res.json);
  });

  it('when a member is busy at the best slot in a connected ICS calendar, then the preview avoids it', async () => {
    const { key, ids } = await workspace();
    const two = { ...request(), participants: [{ email: 'lena@example.com' }, { email: 'noah@example.com' }] };
    const free = await t.api('POST', '/v1/rotations', { key, json: two });
    const best = free.json.occurrences[0].start as string;
    expect(new Set(free.json.occurrences.map((o: any) => o.start.slice(11)))).toHaveProperty('size', 1);
    const ics = icsCalendar([icsEvent({ uid: 'standup@test', start: best, minutes: 60, rrule: 'FREQ=WEEKLY;COUNT=4', title: 'Other meeting' })]);
    const up = await t.api('POST', '/v1/connections/ics', { key, json: { memberId: ids['noah@example.com'], ics } });
    expect(up.status).toBe(201);
    const busy = await t.api('POST', '/v1/rotations', { key, json: two });
    expect(busy.json.freeBusy.participantsWithBusyTime).toBe(1);
    for (const occ of busy.json.occurrences) {
      expect(occ.start.slice(11)).not.toBe(best.slice(11));
      expect(occ.hardLimitBreaks).toEqual([]);
    }
  });

  it('when a preview is committed, then the ledger records the burden and the next preview carries it as history', async () => {
    const { key } = await workspace();
    const preview = await t.api('POST', '/v1/rotations', { key, json: request() });
    const commit = await t.api('POST', `/v1/rotations/${preview.json.id}/commit`, { key });
    expect(commit.status).toBe(200);
    expect(commit.json.status).toBe('committed');
    const ledger = await t.api('GET', '/v1/rotations/ledger', { key });
    expect(ledger.status).toBe(200);
    const kenji = ledger.json.people.find((p: any) => p.email === 'kenji@example.com');
    const planned = preview.json.ledger.find((l: any) => l.email === 'kenji@example.com');
    expect(kenji).toMatchObject({ series: 1, burden: planned.seriesPain, timeZone: 'Asia/Tokyo' });
    expect(kenji.burden).toBeGreaterThan(0);
    const next = await t.api('POST', '/v1/rotations', { key, json: request({ startDate: '2027-01-04' }) });
    expect(next.json.ledger.find((l: any) => l.email === 'kenji@example.com').history).toBe(kenji.burden);
    // Decay: burdens dated at the series' end halve per half-life once it is over.
    t.clock.now = Date.parse(preview.json.occurrences.at(-1).end) + 30 * 86_400_000;
    const decayed = await t.api('GET', '/v1/rotations/ledger?halfLifeDays=30', { key });
    expect(decayed.json.people.find((p: any) => p.email === 'kenji@example.com').burden).toBeCloseTo(kenji.burden / 2, 1);
  });

  it('when a rotation is committed twice, or with calendar writes for an organizer without a connected calendar, then it is refused and nothing more is recorded', async () => {
    const { key } = await workspace();
    const preview = await t.api('POST', '/v1/rotations', { key, json: request() });
    const commit = (json: Record<string, unknown>) => t.api('POST', `/v1/rotations/${preview.json.id}/commit`, { key, json });
    for (const [json, code] of [
      [{ writeEvents: true }, 'rotation.organizer_required'],
      [{ writeEvents: true, organizer: 'zoe@example.com' }, 'rotation.organizer_not_participant'],
      [{ writeEvents: true, organizer: 'kenji@example.com' }, 'rotation.organizer_not_member'],
      [{ writeEvents: true, organizer: 'lena@example.com' }, 'rotation.organizer_not_connected'],
    ] as const) {
      const write = await commit(json);
      expect(write.status).toBe(422);
      expect(write.json.code).toBe(code);
    }
    expect((await t.api('GET', '/v1/rotations/ledger', { key })).json.people).toEqual([]);
    expect((await t.api('GET', `/v1/rotations/${preview.json.id}`, { key })).json).toMatchObject({ status: 'preview', calendar: null });
    expect((await t.api('POST', `/v1/rotations/${preview.json.id}/commit`, { key, json: {} })).status).toBe(200);
    const twice = await t.api('POST', `/v1/rotations/${preview.json.id}/commit`, { key });
    expect(twice.status).toBe(409);
    expect(twice.json.code).toBe('rotation.conflict');
    expect((await t.api('GET', '/v1/rotations/ledger', { key })).json.people.every((p: any) => p.series === 1)).toBe(true);
  });

  it('when the series is exported, then the ICS holds each occurrence as its own tagged event', async () => {
    const { key } = await workspace();
    const preview = await t.api('POST', '/v1/rotations', { key, json: request() });
    const res = await t.api('GET', `/v1/rotations/${preview.json.id}/ics`, { key });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/calendar');
    const events = parseIcs(res.text, { start: Date.parse('2026-12-01T00:00:00Z'), end: Date.parse('2027-01-15T00:00:00Z') }).events;
    expect(events.map((e) => new Date(e.start).toISOString().replace('.000Z', 'Z'))).toEqual(preview.json.occurrences.map((o: any) => o.start));
    expect(res.text).toContain(`X-UNMEET-ROTATION:${preview.json.id}`);
  });

  it('when a title carries a lone CR and a property, then the exported ICS keeps it as text and invites nobody extra', async () => {
    const { key } = await workspace();
    const preview = await t.api('POST', '/v1/rotations', { key, json: { ...request(), title: 'Sync\rATTENDEE;ROLE=REQ-PARTICIPANT:mailto:mallory@evil.test' } });
    expect(preview.status).toBe(201);
    const res = await t.api('GET', `/v1/rotations/${preview.json.id}/ics`, { key });
    expect(res.text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(res.text.split('\r\n').filter((line) => line.startsWith('ATTENDEE') && line.includes('mallory'))).toEqual([]);
    for (const e of parseIcs(res.text, { start: Date.parse('2026-12-01T00:00:00Z'), end: Date.parse('2027-01-15T00:00:00Z') }).events) {
      expect(e.attendees.map((a) => a.email)).not.toContain('mallory@evil.test');
    }
  });

  it('when another workspace asks for a rotation id, then it is not found there', async () => {
    const a = await workspace('A');
    const b = await workspace('B');
    const preview = await t.api('POST', '/v1/rotations', { key: a.key, json: request() });
    for (const [method, path] of [
      ['GET', `/v1/rotations/${preview.json.id}`],
      ['POST', `/v1/rotations/${preview.json.id}/commit`],
      ['GET', `/v1/rotations/${preview.json.id}/ics`],
    ] as const) {
      const res = await t.api(method, path, { key: b.key });
      expect(res.status).toBe(404);
      expect(res.json.code).toBe('rotation.not_found');
    }
    await t.api('POST', `/v1/rotations/${preview.json.id}/commit`, { key: a.key });
    expect((await t.api('GET', '/v1/rotations/ledger', { key: b.key })).json.people).toEqual([]);
  });

  it('when the request is unauthenticated or invalid, then 401 or 422 problem+json', async () => {
    const { key } = await workspace();
    expect((await t.api('POST', '/v1/rotations', { json: request() })).status).toBe(401);
    expect((await t.api('GET', '/v1/rotations/ledger')).status).toBe(401);
    const stranger = await t.api('POST', '/v1/rotations', { key, json: request({ participants: [{ email: 'who@example.com' }] }) });
    expect(stranger.status).toBe(422);
    expect(stranger.json.code).toBe('rotation.invalid_input');
    expect(stranger.headers.get('content-type')).toContain('application/problem+json');
    const bad = await t.api('POST', '/v1/rotations', { key, json: request({ durationMinutes: 0 }) });
    expect(bad.status).toBe(422);
    expect(bad.json.code).toBe('request.invalid');
  });
});

describe('unmeet rotate (CLI, offline)', () => {
  it('when given the sample input with --json, then it prints the contract shape', async () => {
    const out = JSON.parse(await rotateCommand({ input: 'examples/rotation.json', json: true }));
    expect(Object.keys(out)).toEqual(expect.arrayContaining(['occurrences', 'ledger', 'fairness', 'explanation']));
    expect(out.occurrences).toHaveLength(12);
    const occ = out.occurrences[0];
    expect(occ.start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    for (const email of Object.keys(occ.local)) {
      expect(occ.local[email]).toMatch(/[+-]\d{2}:\d{2}$/);
      expect(typeof occ.pain[email]).toBe('number');
    }
    expect(out.ledger[0]).toEqual(
      expect.objectContaining({ email: expect.any(String), burden: expect.any(Number), outsideHoursCount: expect.any(Number), nightCount: expect.any(Number) }),
    );
    expect(out.fairness).toEqual(
      expect.objectContaining({ maxBurden: expect.any(Number), maxOverMean: expect.any(Number), gini: expect.any(Number), distinctSlots: expect.any(Number) }),
    );
    expect(typeof out.explanation).toBe('string');
    expect(await rotateCommand({ input: 'examples/rotation.json' })).toContain('max/mean');
  });

  it('when the input file is wrong, then the error names the file (and the line)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'unmeet-rotate-'));
    const file = join(dir, 'bad.json');
    await writeFile(file, '{\n  "title": "x",\n  "durationMinutes": "sixty"\n}\n');
    await expect(rotateCommand({ input: file, json: true })).rejects.toThrow(/bad\.json:3: durationMinutes/);
    await writeFile(file, JSON.stringify({ title: 'x', durationMinutes: 60, occurrences: 2, startDate: '2027-01-04', participants: [{ email: 'a@x.com' }] }));
    await expect(rotateCommand({ input: file })).rejects.toThrow(/bad\.json: participants\.0 \(a@x\.com\): timeZone is required/);
    await writeFile(file, JSON.stringify({ title: 'x', durationMinutes: 60, occurrences: 2, startDate: '2027-01-04', participants: [{ email: 'a@x.com', timeZone: 'Mars/Base' }] }));
    await expect(rotateCommand({ input: file })).rejects.toThrow(/bad\.json: .*Mars\/Base/);
    await expect(rotateCommand({ input: join(dir, 'missing.json') })).rejects.toThrow(/missing\.json: cannot read the file/);
  });
});
