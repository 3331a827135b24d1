import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scoreSeries, type SeriesFacts } from '../../src/domain/meeting-flags';

interface Labelled {
  facts: SeriesFacts;
  label: 'A' | 'K';
}

/** Reads tests/fixtures/flags/series.txt (one labelled series per line; see its header). */
function readFixture(): Labelled[] {
  const lines = readFileSync('tests/fixtures/flags/series.txt', 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'));
  return lines.map((line, i) => {
    const [title, people, optional, minutes, kind, desc, external, spread, outside, decline, label] = line.split('|').map((c) => c.trim());
    if (label !== 'A' && label !== 'K') throw new Error(`line ${i + 1}: bad label ${label}`);
    const recurring = kind === 'R';
    const occurrences = recurring ? 4 : 1;
    return {
      label,
      facts: {
        seriesKey: `s${i}`,
        title: title!,
        organizer: 'org@example.com',
        recurring,
        occurrences,
        attendeeCount: Number(people),
        optionalCount: Number(optional),
        durationMinutes: Number(minutes),
        description: { present: desc !== 'n', length: desc === 'n' ? 0 : 120, hasAgenda: desc === 'a', hasDocLink: desc === 'd' },
        externalCount: Number(external),
        zoneSpreadHours: Number(spread),
        outsideHoursAttendees: Array.from({ length: Number(outside) }, (_, k) => `p${k}@example.com`),
        declineRate: Number(decline) / 100,
        noResponseRate: null,
        occurrencesPerYear: recurring ? 52 : 1,
      },
    };
  });
}

describe('flag rubric against a labelled fixture', () => {
  const rows = readFixture();

  it('when the fixture is read, then it holds at least 150 series in English and Indonesian', () => {
    expect(rows.length).toBeGreaterThanOrEqual(150);
    const indonesian = /\b(rapat|laporan|pembaruan|sinkron\w*|harian|bulanan|mingguan|pengumuman|sosialisasi|rakor|progres|apel|evaluasi|monitoring proyek|terbaru|demo fitur|pertemuan|wawancara|curah pendapat|lokakarya|retrospeksi|perencanaan|orientasi|makan siang|halalbihalal|buka bersama|insiden|persetujuan|keputusan|diskusi|pelatihan|bimbingan|dengan|arisan|ngopi|syukuran|bersama)\b/i;
    expect(rows.filter((r) => indonesian.test(r.facts.title)).length).toBeGreaterThanOrEqual(45);
  });

  it('when every series is scored, then async + consider-async reach precision ≥ 0.85 and recall ≥ 0.80', () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    const misses: string[] = [];
    for (const { facts, label } of rows) {
      const flag = scoreSeries(facts);
      const predicted = flag.verdict !== 'keep';
      if (predicted && label === 'A') tp++;
      else if (predicted && label === 'K') {
        fp++;
        misses.push(`FP ${flag.score} ${facts.title}`);
      } else if (!predicted && label === 'A') {
        fn++;
        misses.push(`FN ${flag.score} ${facts.title}`);
      }
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    // Printed so a change to the rubric shows which series moved.
    console.log(`flags fixture: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)} (tp ${tp}, fp ${fp}, fn ${fn})\n  ${misses.join('\n  ')}`);
    expect(precision).toBeGreaterThanOrEqual(0.85);
    expect(recall).toBeGreaterThanOrEqual(0.8);
  });
});
