import { expect, it } from 'vitest';
import { intersect, normalize } from '../../src/domain/intervals';
import { HOUR, MONDAY, type FocusHarness, type FocusHarnessOptions } from './focus-scenarios';

/**
 * The out-of-office scenario every calendar vendor must pass, end to end through its fake:
 * Alice (London, Mon–Fri 09:00–17:00, UTC in winter) marks herself away with the vendor's own
 * mark (Google `eventType: outOfOffice`, Graph `showAs: oof`) for Monday and Tuesday of the first
 * week and for Thursday afternoon. After a sync the entries are stored away; the audit takes the
 * 20 working hours out of working time, focus and meetings; focus blocks stay out of them and
 * the first week's target shrinks to the 2.5 days left.
 */
export const AWAY_ENTRIES = [
  { id: 'ooo0mon01', start: MONDAY, end: MONDAY + 48 * HOUR },
  { id: 'ooo0thu01', start: MONDAY + 3 * 24 * HOUR + 13 * HOUR, end: MONDAY + 3 * 24 * HOUR + 17 * HOUR },
] as const;

/** Registers the scenario (call inside a `describe`); `putAway` writes one entry into the vendor's fake. */
export function awayScenario(
  connect: (options?: FocusHarnessOptions) => Promise<FocusHarness>,
  putAway: (entry: (typeof AWAY_ENTRIES)[number]) => void,
) {
  it('when the member marks days out of office in their calendar, then they are stored away, the audit excludes them and no focus block lands in them', async () => {
    for (const entry of AWAY_ENTRIES) putAway(entry);
    const a = await connect();
    const [calendar] = await a.t.deps.repos.connections.calendars(a.workspaceId, a.connection.id);
    const stored = await a.t.deps.repos.events.listForCalendar(a.workspaceId, calendar!.id);
    expect(stored.filter((e) => e.away).map((e) => e.externalId).sort()).toEqual(AWAY_ENTRIES.map((e) => e.id).sort());

    const audit = await a.t.api('GET', '/v1/audit?from=2026-11-30&to=2026-12-07', { key: a.key });
    expect(audit.status).toBe(200);
    // 40 working hours: Monday and Tuesday (16 h) and Thursday afternoon (4 h) are away.
    expect(audit.json.members[0].metrics).toMatchObject({ workingTimeHours: 20, awayHours: 20, meetingHours: 0, otherBusyHours: 0, focusHours: 20 });

    const applied = await a.apply();
    expect(applied).toMatchObject({ status: 'applied', failed: 0 });
    const ours = a.ours();
    const away = normalize(AWAY_ENTRIES.map(({ start, end }) => ({ start, end })));
    expect(ours.length).toBeGreaterThan(0);
    expect(intersect(normalize(ours.map(({ start, end }) => ({ start, end }))), away)).toEqual([]);
    // Targets: 5 h in the first week (2.5 days of 5 left), 10 h in the second; each week may
    // overshoot by less than one 90-minute block.
    const firstWeek = ours.filter((e) => e.start < MONDAY + 7 * 24 * HOUR).reduce((sum, e) => sum + e.end - e.start, 0) / HOUR;
    expect(firstWeek).toBeGreaterThanOrEqual(5);
    expect(firstWeek).toBeLessThan(6.5);
  });
}
