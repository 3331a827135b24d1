import { expect, it } from 'vitest';
import type { ConnectionRow } from '../../src/db/connections.repository';
import type { FocusBlockRow, ProviderWriteRow } from '../../src/db/focus.repository';
import { runDueJobs } from '../../src/jobs/run-due-jobs';
import { applyFocus, focusClientId, reconcileFocusAfterSync } from '../../src/services/focus';
import { providerFor } from '../../src/services/providers';
import { syncProviderCalendar } from '../../src/services/provider-sync';
import { newWorkspace, type createTestApp } from './app';

/**
 * The focus-block scenarios every writable calendar vendor must pass (apply, idempotency under
 * faults and races, reconcile after manual changes, disabling, refusing foreign events), run
 * against a vendor's fake through a small harness. Each vendor's test file supplies the harness
 * and keeps its own vendor-only tests (Google's focus-time fallback, Graph's transactionId).
 *
 * The test clock starts on Saturday 2026-11-28 12:00Z; Alice works Mon–Fri 09:00–17:00 in
 * London (UTC in winter), so the 14-day horizon holds two working weeks.
 */
export const HOUR = 3_600_000;
export const MIN = 60_000;
export const MONDAY = Date.parse('2026-11-30T00:00:00Z');

/** A transport or status fault the harness injects on the vendor's event endpoints. */
export type FocusFault = { kind: 'dropResponse' } | { kind: 'drop' } | { kind: 'status'; status: 429 | 503; retryAfterSeconds?: number };

export interface OwnEvent {
  id: string;
  start: number;
  end: number;
}

export interface FocusHarness {
  t: Awaited<ReturnType<typeof createTestApp>>;
  key: string;
  memberId: string;
  workspaceId: string;
  connection: { id: string };
  /** A sync that starts after our writes (the clock moves a minute first). */
  sync(): Promise<void>;
  /** `POST /v1/focus/apply`, this member's result. */
  apply(): Promise<any>;
  writes(): Promise<ProviderWriteRow[]>;
  blocks(): Promise<FocusBlockRow[]>;
  /** Our events in the vendor's truth (recognised by our tag there). */
  ours(): OwnEvent[];
  /** Every event not tagged as ours, serialised exactly as the vendor stores it. */
  foreignSnapshot(exceptIds?: string[]): string;
  /** A meeting with Bob (Alice accepted) in the vendor's truth. */
  putMeeting(id: string, start: number, minutes?: number): OwnEvent;
  /** Alice's own private event with no attendees, carrying some other app's data. */
  putPrivate(id: string, start: number, minutes: number): void;
  moveByHand(id: string, start: number, end: number): void;
  deleteByHand(id: string): void;
  faults(list: FocusFault[]): void;
  clearFaults(): void;
  clearRequests(): void;
  /** Event ids targeted by PATCH/PUT/DELETE requests since the last `clearRequests`. */
  mutatedIds(): string[];
  /** A lost answer shows up as a recognised earlier write (never a second event). */
  sawDuplicateSignal(): Promise<boolean>;
  /** Vendor-specific checks of one of our events as the vendor stores it. */
  expectOurEvent(id: string): void;
  /** Vendor-specific checks after a first successful apply (write outcomes, remembered capabilities). */
  expectFirstApply?(first: any): Promise<void>;
  /** A foreign event in the truth that update/delete may be tried on. */
  plantForeign(): Promise<string>;
}

export interface FocusHarnessOptions {
  enable?: boolean;
  policy?: Record<string, unknown>;
  /** Events to put in the truth before the first sync. */
  before?: (h: Pick<FocusHarness, 'putMeeting' | 'putPrivate'>) => void;
}

/**
 * The vendor-neutral part of a harness: a workspace with Alice (London), her calendar connected
 * through the vendor's consent flow against its fake, synced once, focus protection set up as
 * asked; plus apply over the API and the stored blocks and write log.
 */
export async function connectAlice(t: FocusHarness['t'], provider: 'google' | 'microsoft', options: FocusHarnessOptions) {
  const { apiKey: key, workspace } = await newWorkspace(t.api);
  const member = await t.api('POST', '/v1/members', { key, json: { email: 'alice@example.com', name: 'Alice', timeZone: 'Europe/London' } });
  const memberId = member.json.id as string;
  const start = await t.app.request(`/v1/connect/${provider}?memberId=${memberId}`, { headers: { authorization: `Bearer ${key}` } });
  const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  expect((await t.app.request(back.pathname + back.search)).status).toBe(200);
  const [connection] = (await t.api('GET', '/v1/connections', { key })).json.connections;
  const workspaceId = workspace.id;
  const [calendar] = await t.deps.repos.connections.calendars(workspaceId, connection.id);
  const sync = async () => {
    t.clock.now += MIN; // a sync that starts after our writes sees them
    await syncProviderCalendar(t.deps, workspaceId, connection.id, calendar!.id);
  };
  await sync();
  if (options.policy) expect((await t.api('PATCH', `/v1/focus/members/${memberId}`, { key, json: { policy: options.policy } })).status).toBe(200);
  if (options.enable !== false) expect((await t.api('PATCH', `/v1/focus/members/${memberId}`, { key, json: { enabled: true } })).json.enabled).toBe(true);
  return {
    t,
    key,
    memberId,
    workspaceId,
    connection: connection as { id: string },
    calendar: calendar!,
    sync,
    apply: async () => {
      const res = await t.api('POST', '/v1/focus/apply', { key, json: {} });
      expect(res.status).toBe(200);
      return res.json.members[0];
    },
    writes: () => t.deps.repos.focus.writes(workspaceId),
    blocks: () => t.deps.repos.focus.blocks(workspaceId, memberId),
  };
}

const hoursOf = (events: OwnEvent[]) => events.reduce((sum, e) => sum + (e.end - e.start), 0) / HOUR;
const spans = (events: OwnEvent[]) => events.map((e) => `${e.start}/${e.end}`).sort();
const byStart = (events: OwnEvent[]) => [...events].sort((a, b) => a.start - b.start);

/** Registers the shared scenarios (call inside a `describe`). */
export function focusScenarios(connect: (options?: FocusHarnessOptions) => Promise<FocusHarness>) {
  it('when applied, then events tagged as ours reach the weekly target clear of meetings and their buffers, each write is logged, and a second run writes nothing', async () => {
    const a = await connect({ policy: { autoDeclineMode: 'declineOnlyNewConflictingInvitations' }, before: (h) => void h.putMeeting('mtg01', MONDAY + 10 * HOUR) });
    const first = await a.apply();
    expect(first).toMatchObject({ status: 'applied', failed: 0, moved: 0, deleted: 0 });
    const ours = a.ours();
    expect(ours.length).toBe(first.created);
    expect(hoursOf(ours)).toBe(20); // two working weeks in the 14-day horizon
    for (const e of ours) {
      a.expectOurEvent(e.id);
      expect(e.start >= MONDAY + 11 * HOUR + 10 * MIN || e.end <= MONDAY + 10 * HOUR - 10 * MIN).toBe(true);
    }
    const writes = await a.writes();
    expect(writes).toHaveLength(first.created);
    expect(writes.every((w) => w.action === 'focus.create' && w.outcome.startsWith('created:'))).toBe(true);
    await a.expectFirstApply?.(first);

    await a.sync();
    const second = await a.apply();
    expect(second).toMatchObject({ created: 0, moved: 0, deleted: 0, kept: first.created, failed: 0 });
    expect(await a.writes()).toHaveLength(first.created);
    expect(spans(a.ours())).toEqual(spans(ours));
  });

  it('when answers are lost, requests fail, and two runs race, then every block exists exactly once', async () => {
    const a = await connect();
    a.faults([{ kind: 'dropResponse' }, { kind: 'status', status: 503 }, { kind: 'drop' }, { kind: 'status', status: 429, retryAfterSeconds: 0 }, { kind: 'dropResponse' }]);
    const results = await Promise.all([a.apply(), a.apply()]);
    a.clearFaults();
    // Whatever failed outright is finished by the next run.
    await a.apply();
    const ours = a.ours();
    expect(new Set(ours.map((e) => e.id)).size).toBe(ours.length);
    expect(new Set(spans(ours)).size).toBe(ours.length);
    expect(hoursOf(ours)).toBe(20);
    const rows = (await a.blocks()).filter((r) => r.status === 'active');
    expect(rows.map((r) => r.eventId).sort()).toEqual(ours.map((e) => e.id).sort());
    expect(results.some((r) => r.created > 0)).toBe(true);
    expect(await a.sawDuplicateSignal()).toBe(true);
  });

  it('when a meeting lands on a block, then after the sync the block is shrunk or moved, the member’s own move is respected, a deleted block is not re-created that day, and foreign events stay byte for byte', async () => {
    const a = await connect({
      before: (h) => {
        h.putMeeting('mtg01', MONDAY + 24 * HOUR + 13 * HOUR);
        h.putPrivate('prv01', MONDAY + 2 * 24 * HOUR + 16 * HOUR, 30);
      },
    });
    const foreignBefore = a.foreignSnapshot();
    await a.apply();
    await a.sync();
    const [first, second, third] = byStart(a.ours());

    // 1. A new meeting in the middle of the first block.
    const intruder = a.putMeeting('mtg02', first!.start + 60 * MIN, 60);
    // 2. The member moves the second block by hand, an hour earlier and shorter.
    const movedStart = second!.start - HOUR;
    a.moveByHand(second!.id, movedStart, movedStart + 2 * HOUR);
    // 3. The member deletes the third block.
    a.deleteByHand(third!.id);
    const thirdDate = new Date(third!.start).toISOString().slice(0, 10);

    // The sync job runs (15 minutes later) and reconciles the focus blocks.
    a.t.clock.now += 16 * MIN;
    a.clearRequests();
    expect(await runDueJobs(a.t.deps, a.t.clock.now, { owner: 't' })).toMatchObject({ failed: 0 });
    const after = a.ours();
    const busy = { start: intruder.start - 10 * MIN, end: intruder.end + 10 * MIN };
    for (const e of after) expect(e.start >= busy.end || e.end <= busy.start).toBe(true);
    expect(after.find((e) => e.id === first!.id)).toBeDefined(); // moved or shrunk in place, same event
    expect(after.find((e) => e.id === second!.id)).toMatchObject({ start: movedStart, end: movedStart + 2 * HOUR });
    expect(a.mutatedIds()).not.toContain(second!.id);
    expect(after.filter((e) => new Date(e.start).toISOString().startsWith(thirdDate))).toEqual([]);
    const rows = await a.blocks();
    expect(rows.find((r) => r.eventId === second!.id)?.status).toBe('member_moved');
    expect(rows.find((r) => r.eventId === third!.id)?.status).toBe('member_deleted');

    // Reconciling again changes nothing; disabling removes our future blocks, and only ours.
    await a.sync();
    const again = await reconcileFocusAfterSync(a.t.deps, a.workspaceId, a.connection.id);
    expect(again).toMatchObject({ created: 0, moved: 0, deleted: 0, failed: 0 });
    const off = await a.t.api('PATCH', `/v1/focus/members/${a.memberId}`, { key: a.key, json: { enabled: false } });
    expect(off.json).toMatchObject({ enabled: false, removedBlocks: after.length });
    expect(a.ours()).toEqual([]);
    expect(a.foreignSnapshot([intruder.id])).toBe(foreignBefore);
    const ownIds = new Set((await a.blocks()).flatMap((r) => [r.clientId, ...(r.eventId ? [r.eventId] : [])]));
    for (const w of await a.writes()) expect(ownIds.has(w.target.slice(w.target.indexOf('/') + 1))).toBe(true);
    for (const id of a.mutatedIds()) expect(ownIds.has(id)).toBe(true);
  });

  it('when focus is turned off, then only blocks deleted from the calendar count as removed, and blocks never created or already deleted are told apart', async () => {
    const a = await connect();
    // The first block's create fails through every retry: it stays planned, never created.
    a.faults([503, 503, 503, 503].map((status) => ({ kind: 'status' as const, status: status as 503 })));
    const first = await a.apply();
    a.clearFaults();
    expect(first.failed).toBe(1);
    const ours = a.ours();
    expect(ours.length).toBe(first.created);
    a.deleteByHand(ours[0]!.id);
    const off = await a.t.api('PATCH', `/v1/focus/members/${a.memberId}`, { key: a.key, json: { enabled: false } });
    expect(off.status).toBe(200);
    expect(off.json).toMatchObject({
      enabled: false,
      removedBlocks: ours.length - 1,
      failedRemovals: 0,
      notRemoved: { neverCreated: 1, alreadyGone: 1, failed: 0, noWriteAccess: 0 },
      removalNote: '1 planned block was never created, so there was nothing to delete; 1 block was already deleted from the calendar.',
    });
    expect(a.ours()).toEqual([]);
  });

  it('when an event that is not ours is targeted, then it is never changed', async () => {
    const a = await connect({ enable: false });
    const provider = await providerFor(a.t.deps, (await a.t.deps.repos.connections.get(a.workspaceId, a.connection.id)) as ConnectionRow);
    const id = await a.plantForeign();
    const before = a.foreignSnapshot();
    await expect(provider.updateOwnedEvent!('primary', id, { start: MONDAY, end: MONDAY + HOUR, timeZone: 'UTC' })).rejects.toMatchObject({ kind: 'conflict', reason: 'not_owned' });
    await expect(provider.deleteOwnedEvent!('primary', id)).rejects.toMatchObject({ reason: 'not_owned' });
    expect(a.foreignSnapshot()).toBe(before);
    expect(a.ours()).toEqual([]);
    expect((await applyFocus(a.t.deps, a.workspaceId)).members).toEqual([]);
  });
}

/** A client id no block of ours will use (for planting foreign events on our id space). */
export const foreignClientId = (workspaceId: string) => focusClientId(workspaceId, 'someone-else');
