import { describe, expect, it } from 'vitest';
import {
  collectSeries,
  FLAG_DAMPENERS,
  FLAG_WEIGHTS,
  flagMeetings,
  scoreSeries,
  seriesCost,
  verdictFor,
  type SeriesFacts,
} from '../../src/domain/meeting-flags';
import type { Attendee, CalendarEvent, Member } from '../../src/domain/types';
import { normalizeWorkingHours } from '../../src/domain/working-hours';

/** A neutral series: no signal fires (recurring with 2 people would be a 1:1, so 3 people, one-off). */
const base: SeriesFacts = {
  seriesKey: 'k',
  title: 'Architecture forum',
  organizer: 'org@example.com',
  recurring: false,
  occurrences: 1,
  attendeeCount: 3,
  optionalCount: 0,
  durationMinutes: 30,
  description: { present: true, length: 200, hasAgenda: true, hasDocLink: false },
  externalCount: 0,
  zoneSpreadHours: 0,
  outsideHoursAttendees: [],
  declineRate: 0,
  noResponseRate: null,
  occurrencesPerYear: 1,
};
const codes = (f: Partial<SeriesFacts>) => scoreSeries({ ...base, ...f }).reasons.map((r) => r.code);
const points = (f: Partial<SeriesFacts>, code: string) => scoreSeries({ ...base, ...f }).reasons.find((r) => r.code === code)?.points;

describe('flag rubric: signals', () => {
  it('when nothing about a meeting suggests async, then it scores 0 with no reasons', () => {
    const flag = scoreSeries(base);
    expect(flag).toMatchObject({ score: 0, verdict: 'keep', reasons: [], suggestedFormat: null });
  });

  it.each([
    ['Weekly status sync', 'English status wording'],
    ['Daily stand-up', 'stand-up'],
    ['FYI: policy change', 'FYI'],
    ['Q3 readout', 'readout'],
    ['Rapat mingguan tim', 'Indonesian "rapat mingguan"'],
    ['Laporan bulanan', 'Indonesian "laporan"'],
    ['Pembaruan status proyek', 'Indonesian "pembaruan status"'],
    ['Sinkronisasi backend', 'Indonesian "sinkronisasi"'],
  ])('when the title is "%s" (%s), then title.status_wording adds 25', (title) => {
    expect(points({ title }, 'title.status_wording')).toBe(FLAG_WEIGHTS['title.status_wording']);
  });

  it.each(['Statusbar redesign', 'Syncope research', 'Reporter interview prep'])('when "%s" only contains a status word inside another word, then no wording signal', (title) => {
    expect(codes({ title })).not.toContain('title.status_wording');
  });

  it('when a series recurs with 3+ people, then recurring.three_plus adds 15; one-offs and pairs do not', () => {
    expect(points({ recurring: true, attendeeCount: 3 }, 'recurring.three_plus')).toBe(15);
    expect(codes({ recurring: false, attendeeCount: 5 })).not.toContain('recurring.three_plus');
    expect(codes({ recurring: true, attendeeCount: 2 })).not.toContain('recurring.three_plus');
  });

  it('when there is no description, or one without agenda and doc link, then description.no_agenda adds 15', () => {
    expect(points({ description: { present: false, length: 0, hasAgenda: false, hasDocLink: false } }, 'description.no_agenda')).toBe(15);
    expect(points({ description: { present: true, length: 40, hasAgenda: false, hasDocLink: false } }, 'description.no_agenda')).toBe(15);
    expect(codes({ description: { present: true, length: 40, hasAgenda: false, hasDocLink: true } })).not.toContain('description.no_agenda');
  });

  it('when 8–14 people are invited, then audience.large adds 10; from 15, audience.very_large adds 15 instead', () => {
    expect(points({ attendeeCount: 8 }, 'audience.large')).toBe(10);
    expect(codes({ attendeeCount: 7 })).not.toContain('audience.large');
    expect(points({ attendeeCount: 15 }, 'audience.very_large')).toBe(15);
    expect(codes({ attendeeCount: 15 })).not.toContain('audience.large');
  });

  it('when at least 30 % of attendees are optional, then audience.many_optional adds 10', () => {
    expect(points({ attendeeCount: 10, optionalCount: 3 }, 'audience.many_optional')).toBe(10);
    expect(codes({ attendeeCount: 10, optionalCount: 2 })).not.toContain('audience.many_optional');
  });

  it('when 10+ people meet for 45+ minutes, then shape.broadcast adds 10; broadcast wording adds title.broadcast_wording 25 instead', () => {
    expect(points({ attendeeCount: 10, durationMinutes: 45 }, 'shape.broadcast')).toBe(10);
    expect(codes({ attendeeCount: 10, durationMinutes: 30 })).not.toContain('shape.broadcast');
    for (const title of ['Engineering all-hands', 'All hands', 'Sosialisasi SOP baru', 'Platform walkthrough', 'Product showcase', 'Q3 results presentation']) {
      expect(points({ title }, 'title.broadcast_wording')).toBe(25);
      expect(codes({ title })).not.toContain('shape.broadcast');
    }
  });

  it('when a required attendee is outside their hours, then zones.outside_hours adds 15; else a spread of 8 h adds zones.wide_spread, never both', () => {
    expect(points({ outsideHoursAttendees: ['a@example.com'] }, 'zones.outside_hours')).toBe(15);
    expect(points({ zoneSpreadHours: 8 }, 'zones.wide_spread')).toBe(15);
    expect(codes({ zoneSpreadHours: 7.5 })).not.toContain('zones.wide_spread');
    expect(codes({ outsideHoursAttendees: ['a@example.com'], zoneSpreadHours: 12 }).filter((c) => c.startsWith('zones.'))).toEqual(['zones.outside_hours']);
  });

  it('when a recurring meeting is 15 minutes or less, then duration.very_short adds 10; at 60+ minutes duration.long_recurring adds 10', () => {
    expect(points({ recurring: true, durationMinutes: 15 }, 'duration.very_short')).toBe(10);
    expect(points({ recurring: true, durationMinutes: 60 }, 'duration.long_recurring')).toBe(10);
    expect(codes({ recurring: true, durationMinutes: 30 })).not.toContain('duration.very_short');
    expect(codes({ recurring: false, durationMinutes: 90 })).not.toContain('duration.long_recurring');
  });

  it('when 20 % decline or 40 % never answer, then history.low_engagement adds 10; unknown responses do not count', () => {
    expect(points({ declineRate: 0.2 }, 'history.low_engagement')).toBe(10);
    expect(points({ noResponseRate: 0.5 }, 'history.low_engagement')).toBe(10);
    expect(codes({ declineRate: 0.1, noResponseRate: null })).not.toContain('history.low_engagement');
  });

  it('when signals add up above 100, then the score is capped at 100 and the reasons still sum to it', () => {
    const flag = scoreSeries({
      ...base,
      title: 'Weekly status',
      recurring: true,
      attendeeCount: 20,
      optionalCount: 8,
      durationMinutes: 60,
      description: { present: false, length: 0, hasAgenda: false, hasDocLink: false },
      outsideHoursAttendees: ['x@example.com'],
      declineRate: 0.3,
    });
    expect(flag.score).toBe(100);
    expect(flag.reasons.reduce((s, r) => s + r.points, 0)).toBe(100);
    expect(flag.reasons.at(-1)!.code).toBe('score.capped');
  });
});

describe('flag rubric: dampeners', () => {
  const loud: Partial<SeriesFacts> = { recurring: true, attendeeCount: 6, description: { present: false, length: 0, hasAgenda: false, hasDocLink: false } };
  // 25 (wording) + 15 (recurring 3+) + 15 (no description) = 55 before dampeners.
  const at = (title: string, extra: Partial<SeriesFacts> = {}) => scoreSeries({ ...base, ...loud, title: `Weekly ${title}`, ...extra });

  it('when a meeting has two people or 1:1 wording, then ×0.5', () => {
    expect(at('1:1').score).toBe(28);
    expect(at('1:1').reasons.find((r) => r.code === 'dampener.one_on_one')?.points).toBe(-27);
    expect(scoreSeries({ ...base, ...loud, title: 'Weekly chat', attendeeCount: 2 }).reasons.map((r) => r.code)).toContain('dampener.one_on_one');
  });

  it.each(['brainstorm', 'workshop', 'retro', 'planning', 'kickoff', 'interview', 'lokakarya', 'perencanaan', 'council', 'roundtable', 'sprint review', 'health check', 'mob programming', 'working session'])(
    'when the title says "%s", then the collaborative dampener ×0.5 applies',
    (word) => {
      const flag = at(word);
      expect(flag.reasons.map((r) => r.code)).toContain('dampener.collaborative');
      expect(flag.score).toBe(Math.round(55 * FLAG_DAMPENERS['dampener.collaborative']));
    },
  );

  it('when the title is about a decision, then ×0.5, and a linked pre-read keeps the dampener (a go/no-go with its criteria doc)', () => {
    expect(at('budget approval').score).toBe(Math.round(55 * 0.5));
    expect(at('decision meeting').reasons.map((r) => r.code)).toContain('dampener.decision');
    expect(at('persetujuan anggaran').reasons.map((r) => r.code)).toContain('dampener.decision');
    expect(at('rapat memutuskan vendor').reasons.map((r) => r.code)).toContain('dampener.decision');
    const withDoc = at('go/no-go', { description: { present: true, length: 80, hasAgenda: false, hasDocLink: true } });
    expect(withDoc.reasons.map((r) => r.code)).toContain('dampener.decision');
  });

  it.each([
    ['Q&A', 'dampener.questions'],
    ['AMA', 'dampener.questions'],
    ['office hours', 'dampener.questions'],
    ['drop-in', 'dampener.questions'],
    ['farewell', 'dampener.social'],
    ['drinks', 'dampener.social'],
    ['birthday', 'dampener.social'],
    ['perayaan', 'dampener.social'],
    ['ulang tahun', 'dampener.social'],
  ])('when the title says "%s", then %s applies', (word, code) => {
    expect(at(word).reasons.map((r) => r.code)).toContain(code);
    expect(at(word).score).toBe(Math.round(55 * FLAG_DAMPENERS[code as keyof typeof FLAG_DAMPENERS]));
  });

  it('when people from outside the workspace attend, then ×0.6', () => {
    expect(at('sync', { externalCount: 1 }).score).toBe(Math.round(55 * 0.6));
  });

  it('when the title says urgent, outage or war room (or darurat, Störung), then ×0.3; "incident" alone is a topic, not a purpose', () => {
    for (const word of ['urgent sync', 'outage', 'war room', 'darurat', 'Störung']) {
      expect(at(word).reasons.map((r) => r.code)).toContain('dampener.incident');
    }
    expect(at('outage').score).toBe(Math.round(55 * 0.3));
    expect(at('incident report-out').reasons.map((r) => r.code)).not.toContain('dampener.incident');
    expect(scoreSeries({ ...base, ...loud, title: 'Monthly incident report-out' }).verdict).not.toBe('keep');
  });

  it('when several dampeners apply, then they multiply and the reasons sum to the score', () => {
    const flag = at('1:1 interview', { externalCount: 1 });
    expect(flag.score).toBe(Math.round(55 * 0.5 * 0.5 * 0.6));
    expect(flag.reasons.reduce((s, r) => s + r.points, 0)).toBe(flag.score);
  });
});

describe('flag rubric: purpose first', () => {
  const noDescription = { present: false, length: 0, hasAgenda: false, hasDocLink: false };
  // Everything but purpose: recurring, 20 people, 60 minutes, no agenda, many optional, after hours, declines.
  const shapeOnly: Partial<SeriesFacts> = {
    recurring: true,
    attendeeCount: 20,
    optionalCount: 8,
    durationMinutes: 60,
    description: noDescription,
    outsideHoursAttendees: ['x@example.com'],
    declineRate: 0.3,
  };
  const desc = (facts: Partial<SeriesFacts['description']>) => ({ description: { present: true, length: 150, hasAgenda: false, hasDocLink: false, ...facts } });

  it.each(['Leadership council', 'Monthly engineering meeting', 'Sprint review', 'Engineering roundtable', 'Staff meeting'])(
    'when "%s" has every shape signal but no one-way purpose, then purpose.none holds it at 44 and it is kept',
    (title) => {
      const flag = scoreSeries({ ...base, ...shapeOnly, title });
      expect(flag.verdict).toBe('keep');
      expect(flag.score).toBeLessThanOrEqual(44);
      expect(flag.reasons.reduce((sum, r) => sum + r.points, 0)).toBe(flag.score);
    },
  );

  it('when the same shape has status wording, then it is flagged async and purpose.none is absent', () => {
    const flag = scoreSeries({ ...base, ...shapeOnly, title: 'Monthly engineering update' });
    expect(flag.verdict).toBe('async');
    expect(flag.reasons.map((r) => r.code)).not.toContain('purpose.none');
  });

  it('when a title has no purpose but the invitation describes a readout, then description.readout adds 20 and counts as purpose', () => {
    const flag = scoreSeries({ ...base, ...shapeOnly, title: 'Architecture forum', ...desc({ mentionsReadout: true }) });
    expect(flag.reasons.find((r) => r.code === 'description.readout')?.points).toBe(FLAG_WEIGHTS['description.readout']);
    expect(flag.verdict).not.toBe('keep');
  });

  it('when a "Weekly sync" invitation says it is a working session to decide budget allocations, then both description facts dampen it and it is kept', () => {
    const flag = scoreSeries({ ...base, recurring: true, attendeeCount: 8, durationMinutes: 60, title: 'Weekly sync', ...desc({ mentionsLiveWork: true, mentionsDecision: true }) });
    const codes = flag.reasons.map((r) => r.code);
    expect(codes).toEqual(expect.arrayContaining(['title.status_wording', 'description.decision', 'description.live_work']));
    expect(flag.verdict).toBe('keep');
  });

  it('when a readout invites questions, then description.questions dampens it; a title that already says Q&A is not counted twice', () => {
    expect(codes({ ...shapeOnly, title: 'Weekly update', ...desc({ mentionsReadout: true, invitesQuestions: true }) })).toContain('description.questions');
    const both = codes({ ...shapeOnly, title: 'All hands with live Q&A', ...desc({ invitesQuestions: true }) });
    expect(both).toContain('dampener.questions');
    expect(both).not.toContain('description.questions');
  });

  it('when a go/no-go links its criteria document, then the decision dampener stays and it never reaches async', () => {
    const flag = scoreSeries({ ...base, ...shapeOnly, title: 'Go/no-go: mobile release', ...desc({ hasDocLink: true }) });
    expect(flag.reasons.map((r) => r.code)).toContain('dampener.decision');
    expect(flag.verdict).not.toBe('async');
  });

  it('when a workspace raised its thresholds, then verdicts and the purpose.none ceiling follow them', () => {
    const thresholds = { considerAsync: 55, async: 80 };
    expect(scoreSeries({ ...base, ...shapeOnly, title: 'Leadership council' }, 0, { thresholds }).score).toBeLessThanOrEqual(54);
    const status = scoreSeries({ ...base, recurring: true, attendeeCount: 6, description: noDescription, title: 'Team status' }, 0, { thresholds });
    expect(status.score).toBe(55);
    expect(status.verdict).toBe('consider-async');
    expect(scoreSeries({ ...base, recurring: true, attendeeCount: 6, description: noDescription, title: 'Team status' }).verdict).toBe('consider-async');
  });

  it('when similar series were kept or converted, then the reasons say how many and move the score', () => {
    const status = { ...base, recurring: true, attendeeCount: 6, description: noDescription, title: 'Team status' };
    const kept = scoreSeries(status, 0, { similar: { kept: 3, converted: 0 } });
    expect(kept.reasons.find((r) => r.code === 'history.similar_kept')?.detail).toMatch(/^3 similar meetings were kept by their organizers\./);
    expect(kept.score).toBe(Math.round(55 * 0.6));
    const converted = scoreSeries({ ...status, title: 'Architecture forum' }, 0, { similar: { kept: 0, converted: 1 } });
    expect(converted.reasons.find((r) => r.code === 'history.similar_converted')?.detail).toBe('1 similar meeting was converted by its organizer.');
    expect(converted.reasons.map((r) => r.code)).not.toContain('purpose.none');
  });
});

describe('verdicts, formats and cost', () => {
  it('when scores cross 45 and 70, then verdicts change from keep to consider-async to async', () => {
    expect([0, 44, 45, 69, 70, 100].map((s) => verdictFor(s))).toEqual(['keep', 'keep', 'consider-async', 'consider-async', 'async', 'async']);
  });

  it('when a flagged meeting is about status, a decision, a broadcast or none of these, then the format fits', () => {
    const loud: Partial<SeriesFacts> = { recurring: true, attendeeCount: 6, description: { present: false, length: 0, hasAgenda: false, hasDocLink: false }, outsideHoursAttendees: ['a@x.io'] };
    expect(scoreSeries({ ...base, ...loud, title: 'Weekly status' }).suggestedFormat).toBe('written-update');
    // A decision keeps its ×0.5 dampener, so only a very loud decision series is still flagged.
    const veryLoud = { attendeeCount: 12, durationMinutes: 60, outsideHoursAttendees: ['x@example.com'] };
    expect(scoreSeries({ ...base, ...loud, ...veryLoud, title: 'Weekly decision log review' }).suggestedFormat).toBe('decision-doc');
    expect(scoreSeries({ ...base, ...loud, title: 'Sprint demo' }).suggestedFormat).toBe('recorded-broadcast');
    const readoutByDescription = { present: true, length: 90, hasAgenda: false, hasDocLink: false, mentionsReadout: true };
    expect(scoreSeries({ ...base, ...loud, title: 'Platform guild', durationMinutes: 60, zoneSpreadHours: 10, description: readoutByDescription }).suggestedFormat).toBe(
      'shared-notes',
    );
  });

  it('when 8 people meet for an hour twice a week over 48 weeks at 100/h, then it costs 800 per occurrence and 76,800 a year', () => {
    expect(seriesCost({ attendeeCount: 8, durationMinutes: 60, occurrencesPerYear: 96 }, 100)).toEqual({
      personHoursPerOccurrence: 8,
      personHoursPerYear: 768,
      moneyPerYear: 76_800,
    });
  });

  it('when the workspace sets no hourly rate, then money is null', () => {
    expect(seriesCost({ attendeeCount: 3, durationMinutes: 30, occurrencesPerYear: 52 }, 0)).toEqual({ personHoursPerOccurrence: 1.5, personHoursPerYear: 78, moneyPerYear: null });
  });
});

describe('collectSeries', () => {
  const wh = normalizeWorkingHours(undefined);
  const members: Member[] = [
    { email: 'ayu@acme.id', name: 'Ayu', timeZone: 'Asia/Jakarta', locale: 'id', workingHours: wh },
    { email: 'dana@acme.id', name: 'Dana', timeZone: 'America/New_York', locale: 'en', workingHours: wh },
    { email: 'budi@acme.id', name: 'Budi', timeZone: 'Asia/Jakarta', locale: 'id', workingHours: wh },
  ];
  const person = (email: string, extra: Partial<Attendee> = {}): Attendee => ({ email, response: 'accepted', optional: false, ...extra });
  const event = (over: Partial<CalendarEvent>): CalendarEvent => ({
    externalId: 'x',
    seriesKey: null,
    originalStart: null,
    title: 'Meeting',
    start: Date.parse('2026-11-02T02:00:00Z'),
    end: Date.parse('2026-11-02T03:00:00Z'),
    allDay: false,
    status: 'confirmed',
    transparency: 'opaque',
    organizer: 'ayu@acme.id',
    attendees: [person('ayu@acme.id'), person('budi@acme.id'), person('dana@acme.id')],
    description: { present: false, length: 0, hasAgenda: false, hasDocLink: false },
    hasConferencing: true,
    createdByUnmeet: false,
    ...over,
  });
  const weekly = (i: number, over: Partial<CalendarEvent> = {}) => {
    const start = Date.parse('2026-11-02T02:00:00Z') + i * 7 * 86_400_000;
    return event({ externalId: `w::${start}`, seriesKey: 'w', originalStart: start, title: 'Rapat mingguan', start, end: start + 30 * 60_000, ...over });
  };
  const range = { from: '2026-11-02', to: '2026-11-30' };

  it('when the same instances appear in several calendars, then each occurrence counts once and the year is extrapolated', () => {
    const events = [0, 1, 2, 3].flatMap((i) => [weekly(i), weekly(i)]);
    const [series] = collectSeries({ members, events, range });
    expect(series).toMatchObject({ seriesKey: 'w', recurring: true, occurrences: 4, attendeeCount: 3, durationMinutes: 30 });
    expect(series!.occurrencesPerYear).toBeCloseTo((4 * 365) / 28);
  });

  it('when a meeting at 09:00 Jakarta is 21:00 in New York, then Dana is outside hours and the spread is 12 h', () => {
    const [series] = collectSeries({ members, events: [weekly(0)], range });
    expect(series!.outsideHoursAttendees).toEqual(['dana@acme.id']);
    expect(series!.zoneSpreadHours).toBe(12);
  });

  it('when one-offs are short and small, then they are skipped; long or large ones are kept', () => {
    const short = event({ externalId: 'short', end: Date.parse('2026-11-02T02:30:00Z') });
    const long = event({ externalId: 'long' });
    const many = Array.from({ length: 8 }, (_, i) => person(`p${i}@acme.id`));
    const large = event({ externalId: 'large', end: Date.parse('2026-11-02T02:30:00Z'), attendees: many });
    expect(collectSeries({ members, events: [short, long, large], range }).map((s) => s.seriesKey)).toEqual(['large', 'long']);
  });

  it('when events are cancelled, all-day, free, ours or solo, then they are not meetings to flag', () => {
    const events = [
      weekly(0, { status: 'cancelled' }),
      weekly(1, { allDay: true }),
      weekly(2, { transparency: 'transparent' }),
      weekly(3, { createdByUnmeet: true }),
      event({ externalId: 'solo', attendees: [], organizer: 'ayu@acme.id' }),
    ];
    expect(collectSeries({ members, events, range })).toEqual([]);
  });

  it('when invitees decline or never answer, then the rates are computed over all instances without the organizer', () => {
    const events = [0, 1].map((i) => weekly(i, { attendees: [person('ayu@acme.id'), person('budi@acme.id', { response: 'declined' }), person('dana@acme.id', { response: 'needsAction' })] }));
    const [series] = collectSeries({ members, events, range });
    expect(series!.declineRate).toBe(0.5);
    expect(series!.noResponseRate).toBe(0.5);
  });

  it('when attendees come from other domains or are optional, then they count as external and optional; rooms are not people', () => {
    const events = [weekly(0, { attendees: [person('ayu@acme.id'), person('x@globex.com', { optional: true }), person('room@acme.id', { resource: true })] })];
    const [series] = collectSeries({ members, events, range });
    expect(series).toMatchObject({ attendeeCount: 2, externalCount: 1, optionalCount: 1 });
  });

  it('when flagging a team, then the result is sorted by score and uses the hourly rate', () => {
    const flags = flagMeetings({ members, events: [0, 1, 2, 3].map((i) => weekly(i)), range, hourlyRate: 50 });
    expect(flags[0]).toMatchObject({ seriesKey: 'w', verdict: 'async' });
    expect(Math.abs(flags[0]!.cost.moneyPerYear! - flags[0]!.cost.personHoursPerYear * 50)).toBeLessThan(1);
  });
});
