import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/main';

afterEach(() => vi.restoreAllMocks());

const KEYS = ['seriesKey', 'title', 'organizer', 'recurring', 'occurrences', 'attendeeCount', 'durationMinutes', 'score', 'verdict', 'reasons', 'suggestedFormat', 'cost'];

describe('unmeet flags (offline CLI)', () => {
  it('when run on the sample team with --json, then it prints the DESIGN.md contract, offline', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await run(['flags', '--team', 'examples/team.json', '--from', '2026-11-02', '--to', '2026-11-30', '--json'])).toBe(0);
    const out = JSON.parse(log.mock.calls.map((c) => String(c[0])).join('\n'));
    expect(Object.keys(out)).toEqual(['series']);
    expect(out.series.length).toBeGreaterThan(5);
    for (const s of out.series) {
      expect(Object.keys(s).sort()).toEqual([...KEYS].sort());
      expect(['keep', 'consider-async', 'async']).toContain(s.verdict);
      expect(Object.keys(s.cost).sort()).toEqual(['moneyPerYear', 'personHoursPerOccurrence', 'personHoursPerYear']);
      for (const r of s.reasons) expect(Object.keys(r).sort()).toEqual(['code', 'detail', 'points']);
      expect(s.reasons.reduce((sum: number, r: { points: number }) => sum + r.points, 0)).toBe(s.score);
      expect(s.suggestedFormat === null).toBe(s.verdict === 'keep');
    }
    const scores = out.series.map((s: { score: number }) => s.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(out.series.find((s: { title: string }) => /rapat mingguan/i.test(s.title))?.verdict).not.toBe('keep');
    expect(out.series.filter((s: { title: string }) => /1:1/.test(s.title)).every((s: { verdict: string }) => s.verdict === 'keep')).toBe(true);
  });

  it('when --team is missing, then it says so', async () => {
    await expect(run(['flags', '--json'])).rejects.toThrow('flags needs --team team.json');
  });
});
