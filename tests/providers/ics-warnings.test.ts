/**
 * How ICS import warnings are phrased (src/domain/ics-warnings.ts) and the time-zone name table
 * they rely on (src/providers/time-zones): every code reads in English and Indonesian, and every
 * row of the stored CLDR table resolves.
 */
import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { ICS_WARNING_CODES, phraseIcsWarning, summariseIcsWarnings } from '../../src/domain/ics-warnings';
import { ianaFromTzid, offsetFromTzid } from '../../src/providers/time-zones/tzid';
import windowsZones from '../../src/providers/time-zones/windows-zones.json' with { type: 'json' };

describe('ICS warning phrasing', () => {
  it('when each code is phrased in each language, then the sentence names the line and the detail, and the two languages differ', () => {
    for (const code of ICS_WARNING_CODES) {
      const warning = { code, line: 1798, uid: 'u', detail: 'D-E-T' };
      const en = phraseIcsWarning(warning, 'en');
      const id = phraseIcsWarning(warning, 'id');
      expect(en, code).toMatch(/^line 1798: /);
      expect(id, code).toMatch(/^baris 1798: /);
      expect(en, code).not.toBe(id.replace(/^baris/, 'line'));
      if (code !== 'duplicate_uid') expect(en, code).toContain('D-E-T');
    }
  });

  it('when warnings are summarised, then each code gets one sentence with its total, the first three lines and the first reason', () => {
    const items = [10, 20, 30, 40].map((line) => ({ code: 'rule_ignored', line, uid: null, detail: 'empty' }));
    const counts = { rule_ignored: 1_250, zone_fallback: 1 };
    expect(summariseIcsWarnings(counts, [...items, { code: 'zone_fallback', line: 5, uid: null, detail: 'Mars' }], 'en')).toEqual([
      '1,250 repeat rules ignored: line 10, 20, 30, …, RRULE has no value',
      '1 unknown time zone: line 5, time zone "Mars" is unknown; its times were read in the calendar\'s zone',
    ]);
    expect(summariseIcsWarnings(counts, items, 'id')).toEqual(['1.250 aturan pengulangan diabaikan: baris 10, 20, 30, …, RRULE tidak memiliki nilai', '1 zona waktu tidak dikenal']);
  });

  it('when a stored warning has a code this version does not know, then it is still shown with its detail', () => {
    expect(phraseIcsWarning({ code: 'from_the_future', line: 3, uid: null, detail: 'something' }, 'id')).toBe('baris 3: something');
  });
});

describe('time-zone names from the CLDR windowsZones table', () => {
  const rows = windowsZones.zones as Array<[string, string, string]>;

  it('when the stored table is read, then it records its source and licence and has the full set of Windows zones', () => {
    expect(windowsZones.source).toMatch(/CLDR .*windowsZones\.xml/);
    expect(windowsZones.licence).toMatch(/Unicode License/);
    expect(rows.length).toBeGreaterThanOrEqual(130);
  });

  it('when every Windows name and display name of the table is resolved, then it gives its IANA zone, and that zone exists', () => {
    for (const [display, windows, iana] of rows) {
      const expected = iana === 'Etc/UTC' || iana === 'Etc/GMT' ? expect.stringMatching(/^(UTC|Etc\/UTC|Etc\/GMT)$/) : iana;
      expect(ianaFromTzid(windows), windows).toEqual(expected);
      expect(ianaFromTzid(`"${display}"`), display).toEqual(expected);
      expect(IANAZone.isValidZone(iana), iana).toBe(true);
    }
  });

  it.each([
    ['UTC+01', 60],
    ['GMT-5', -300],
    ['UTC+05:30', 330],
    ['(UTC-03:30) Newfoundland', -210],
    ['(UTC) Coordinated Universal Time', 0],
    ['UTC+15', null],
    ['Europe/Berlin', null],
  ])('when the name is %s, then the offset it states is %s minutes', (name, minutes) => {
    expect(offsetFromTzid(name)).toBe(minutes);
  });
});
