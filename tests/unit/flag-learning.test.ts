import { describe, expect, it } from 'vitest';
import { areSimilar, CALIBRATION_BOUNDS, calibrateThresholds, similarDecisions, titlePattern, type DecidedSeries } from '../../src/domain/flag-learning';
import { VERDICT_THRESHOLDS, type SeriesFacts } from '../../src/domain/meeting-flags';
import { seriesFacts } from '../helpers/events';

const series = (seriesKey: string, title: string, organizer: string | null, people: string[] = []): SeriesFacts =>
  seriesFacts({ seriesKey, title, organizer, attendeeCount: people.length || 5, people });

describe('learning from decisions: similar series', () => {
  it('when titles differ only in numbers, case and accents, then they share a pattern', () => {
    expect(titlePattern('Sprint 14 Review')).toBe(titlePattern('sprint 15 review'));
    expect(titlePattern('Q3 Readout')).toBe('readout');
    expect(titlePattern('Réunion d’équipe')).toBe(titlePattern('Reunion d equipe'));
    expect(titlePattern('Weekly status')).not.toBe(titlePattern('Weekly status review'));
  });

  it('when the pattern matches, then the same organizer or mostly the same people make series similar; a different pattern never does', () => {
    const a = series('a', 'Squad 1 weekly update', 'ayu@acme.id', ['ayu@acme.id', 'budi@acme.id', 'sri@acme.id']);
    expect(areSimilar(a, series('b', 'Squad 2 weekly update', 'ayu@acme.id'))).toBe(true);
    expect(areSimilar(a, series('c', 'Squad 3 weekly update', 'dana@acme.id', ['dana@acme.id', 'budi@acme.id', 'sri@acme.id']))).toBe(true);
    expect(areSimilar(a, series('d', 'Squad 4 weekly update', 'dana@acme.id', ['dana@acme.id', 'x@acme.id', 'y@acme.id']))).toBe(false);
    expect(areSimilar(a, series('e', 'Squad weekly planning', 'ayu@acme.id'))).toBe(false);
    expect(areSimilar(a, a)).toBe(false);
  });

  it('when similar series were decided, then kept and converted are counted; none gives no evidence', () => {
    const target = series('t', 'Squad 9 weekly update', 'ayu@acme.id');
    const decided: DecidedSeries[] = [
      { facts: series('a', 'Squad 1 weekly update', 'ayu@acme.id'), decision: 'keep', score: 60 },
      { facts: series('b', 'Squad 2 weekly update', 'ayu@acme.id'), decision: 'keep', score: 60 },
      { facts: series('c', 'Squad 3 weekly update', 'ayu@acme.id'), decision: 'converted', score: 60 },
      { facts: series('d', 'Town hall', 'ayu@acme.id'), decision: 'converted', score: 80 },
    ];
    expect(similarDecisions(target, decided)).toEqual({ kept: 2, converted: 1 });
    expect(similarDecisions(series('u', 'Design critique', 'ayu@acme.id'), decided)).toBeUndefined();
  });
});

describe('learning from decisions: calibrated thresholds', () => {
  const d = (decision: 'keep' | 'converted', score: number) => ({ decision, score });

  it('when a workspace has fewer than 5 decisions, then the default thresholds hold', () => {
    expect(calibrateThresholds([d('keep', 80), d('keep', 70), d('keep', 60), d('keep', 50)]).thresholds).toEqual(VERDICT_THRESHOLDS);
  });

  it('when organizers keep most flagged series, then both thresholds rise, by at most the documented bound', () => {
    const some = calibrateThresholds([d('keep', 80), d('keep', 70), d('keep', 60), d('converted', 50), d('keep', 20)]);
    expect(some.thresholds).toEqual({ considerAsync: 50, async: 75 });
    expect(some.basis).toEqual({ decisions: 5, keptFlagged: 3, convertedFlagged: 1, convertedUnflagged: 0 });
    const all = calibrateThresholds(Array.from({ length: 8 }, () => d('keep', 90)));
    expect(all.thresholds).toEqual({ considerAsync: 55, async: 80 });
    expect(all.thresholds.considerAsync).toBeLessThanOrEqual(CALIBRATION_BOUNDS.considerAsync.max);
  });

  it('when organizers convert meetings that were not flagged, then the first threshold falls by 5, never below 40, and async stays ≥ 70', () => {
    const lower = calibrateThresholds([d('converted', 30), d('converted', 35), d('converted', 80), d('converted', 75), d('keep', 10)]);
    expect(lower.thresholds).toEqual({ considerAsync: 40, async: 70 });
    expect(lower.thresholds.async).toBeGreaterThanOrEqual(CALIBRATION_BOUNDS.async.min);
  });

  it('when organizers agree with the flags, then nothing moves', () => {
    expect(calibrateThresholds([d('converted', 80), d('converted', 70), d('converted', 60), d('keep', 20), d('keep', 30)]).thresholds).toEqual(VERDICT_THRESHOLDS);
  });
});
