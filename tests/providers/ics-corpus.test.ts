/**
 * The real-world ICS corpus (tests/fixtures/ics-corpus, see docs/ics-corpus.md): every file,
 * written by another project or exporter, is parsed by `parseIcs` over the window recorded in its
 * golden, and its instances must equal the golden list made by an independent expander
 * (scripts/ics-corpus/golden.py: python-icalendar + python-dateutil). A difference passes only
 * when allow-list.json explains it with a reason; an entry that explains nothing fails too, so a
 * difference that vanishes takes its entry with it. A `knownBug` entry marks an unmeet bug: since
 * it too must still match a difference, the fix flips the test and the entry must go.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, corpusRoot, differences, explains, type Instance, loadAllowList, loadManifest } from '../../scripts/ics-corpus/compare';

const manifest = loadManifest();
const allowList = loadAllowList();
const LICENCES = /^(MIT|BSD-2-Clause|BSD-3-Clause|Apache-2\.0|MPL-2\.0|CC0-1\.0|Unlicense|ISC|public domain)$/;

describe('ICS corpus: the manifest and allow-list', () => {
  it('when the corpus folder is listed, then every file has a manifest entry with producer, source and a compatible licence, and a golden', () => {
    const files = readdirSync(join(corpusRoot, 'files')).sort();
    expect(files.length).toBeGreaterThanOrEqual(60);
    expect(manifest.map((m) => m.file).sort()).toEqual(files);
    for (const m of manifest) {
      expect(m.producer && m.family, m.file).toBeTruthy();
      expect(m.licence, m.file).toMatch(LICENCES);
      expect(m.source.path && (m.source.repo ?? m.source.package), m.file).toBeTruthy();
      expect(existsSync(join(corpusRoot, 'golden', `${m.file}.json`)), m.file).toBe(true);
    }
  });

  it('when an allow-list entry is read, then it names a corpus file, says what it covers and gives a reason', () => {
    const files = new Set(manifest.map((m) => m.file));
    for (const a of allowList) {
      expect(files.has(a.file), a.file).toBe(true);
      expect(a.reason.length, a.file).toBeGreaterThan(20);
      expect(Boolean(a.instance) !== Boolean(a.refused), `${a.file}: an entry names an instance or a refusal`).toBe(true);
    }
  });
});

describe('ICS corpus: the comparison itself', () => {
  const base: Instance = { uid: 'a', recurrenceId: '2024-01-01T09:00:00Z', start: '2024-01-01T09:00:00Z', end: '2024-01-01T10:00:00Z' };

  it('when an instance moves by an hour, then it is reported missing at the old time and extra at the new', () => {
    const moved = { ...base, start: '2024-01-01T10:00:00Z', end: '2024-01-01T11:00:00Z' };
    expect(differences([base], [moved])).toEqual([
      'extra a @ 2024-01-01T09:00:00Z 2024-01-01T10:00:00Z/2024-01-01T11:00:00Z',
      'missing a @ 2024-01-01T09:00:00Z 2024-01-01T09:00:00Z/2024-01-01T10:00:00Z',
    ]);
  });

  it('when one side lists an instance twice, then the duplicate is a difference', () => {
    expect(differences([base, base], [base])).toEqual(['missing a @ 2024-01-01T09:00:00Z 2024-01-01T09:00:00Z/2024-01-01T10:00:00Z']);
    expect(differences([base], [base])).toEqual([]);
  });

  it('when an allow-list entry names a refusal with a cause, then it explains that refusal only', () => {
    const entry = { file: 'x.ics', refused: 'unmeet' as const, because: 'Unknown time zone', reason: 'a reason long enough to count' };
    expect(explains(entry, 'unmeet refused: Unknown time zone "X" at line 3')).toBe(true);
    expect(explains(entry, 'unmeet refused: Invalid iCalendar data at line 3')).toBe(false);
    expect(explains(entry, 'golden refused: Unknown time zone')).toBe(false);
  });

  it('when an allow-list entry names a series, then it explains that series only', () => {
    const entry = { file: 'x.ics', instance: 'uid:a', reason: 'a reason long enough to count' };
    expect(explains(entry, 'missing a @ single 2024-01-01T09:00:00Z/2024-01-01T10:00:00Z')).toBe(true);
    expect(explains(entry, 'missing ab @ single 2024-01-01T09:00:00Z/2024-01-01T10:00:00Z')).toBe(false);
  });
});

describe('ICS corpus: parseIcs against the golden instance lists', () => {
  for (const entry of manifest) {
    const bugs = allowList.filter((a) => a.file === entry.file && a.knownBug).map((a) => a.knownBug);
    const name = bugs.length > 0 ? `, except the known unmeet bug (${bugs.join('; ')}) that it still shows` : '';
    it(`when ${entry.file} (${entry.producer}) is parsed, then its instances equal the golden or the allow-list explains each difference${name}`, () => {
      const outcome = check(entry, allowList);
      expect(outcome.unexplained, 'differences the allow-list does not explain').toEqual([]);
      // A knownBug entry that matches nothing means the bug is fixed: remove the entry.
      expect(outcome.stale, 'allow-list entries that explain no difference any more').toEqual([]);
    });
  }
});
