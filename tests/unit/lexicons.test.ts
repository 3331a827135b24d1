import { describe, expect, it } from 'vitest';
import { FLAG_DAMPENERS, FLAG_WEIGHTS, scoreSeries, type FlagReasonCode, type SeriesFacts } from '../../src/domain/meeting-flags';
import { findPurposes, LEXICONS, normalizeText, stemsOf, type PurposeClass } from '../../src/domain/lexicons';
import { seriesFacts } from '../helpers/events';

/** The reason each purpose class feeds when it is in a title: a class no reason reads would be dead data. */
const REASON_OF: Record<PurposeClass, FlagReasonCode> = {
  status: 'title.status_wording',
  readout: 'title.status_wording',
  broadcast: 'title.broadcast_wording',
  decision: 'dampener.decision',
  live: 'dampener.collaborative',
  questions: 'dampener.questions',
  social: 'dampener.social',
  incident: 'dampener.incident',
  one_on_one: 'dampener.one_on_one',
};

const loud: SeriesFacts = seriesFacts();

const entries = LEXICONS.flatMap((lexicon) => lexicon.entries.map((entry) => ({ language: lexicon.language, ...entry })));

describe('purpose lexicons', () => {
  it('when the lexicons are loaded, then English and Indonesian are complete and German, Dutch, French, Spanish and Portuguese have started', () => {
    const count = (lang: string) => entries.filter((e) => e.language === lang).length;
    expect(LEXICONS.map((l) => l.language)).toEqual(['en', 'id', 'de', 'nl', 'fr', 'es', 'pt']);
    expect(count('en')).toBeGreaterThanOrEqual(100);
    expect(count('id')).toBeGreaterThanOrEqual(60);
    for (const lang of ['de', 'nl', 'fr', 'es', 'pt']) expect(count(lang)).toBeGreaterThanOrEqual(25);
    // Every class is covered in every language except where the language has no such word in use.
    for (const lexicon of LEXICONS) {
      const classes = new Set(lexicon.entries.map((e) => e.class));
      for (const cls of ['status', 'readout', 'broadcast', 'decision', 'live', 'questions', 'social', 'incident'] as const) expect(classes).toContain(cls);
    }
  });

  it.each(entries.map((e) => [e.language, e.term, e.class] as const))('when a title is only the %s entry "%s", then it is found as %s (reachable)', (language, term, cls) => {
    expect(findPurposes(term)).toContainEqual(expect.objectContaining({ language, term, class: cls }));
  });

  it.each(entries.map((e) => [e.language, e.term, e.class] as const))('when a loud series is titled with the %s entry "%s", then the %s reason is in its score (used)', (_language, term, cls) => {
    const codes = scoreSeries({ ...loud, title: term }).reasons.map((r) => r.code);
    expect(codes).toContain(REASON_OF[cls]);
  });

  it('when the reasons that classes feed are looked up, then each is a weight or a dampener', () => {
    for (const code of Object.values(REASON_OF)) expect(code in FLAG_WEIGHTS || code in FLAG_DAMPENERS).toBe(true);
  });

  it('when terms are compared, then none repeats within a language and a term in two languages has one class', () => {
    const classOf = new Map<string, string>();
    for (const lexicon of LEXICONS) {
      const seen = new Set<string>();
      for (const e of lexicon.entries) {
        const key = normalizeText(e.term);
        expect(seen.has(key), `${lexicon.language} repeats "${e.term}"`).toBe(false);
        seen.add(key);
        const other = classOf.get(key);
        expect(other === undefined || other === e.class, `"${e.term}" is ${other} elsewhere, ${e.class} in ${lexicon.language}`).toBe(true);
        classOf.set(key, e.class);
      }
    }
  });

  it.each([
    ['memutuskan', 'decision'],
    ['diputuskan', 'decision'],
    ['keputusan', 'decision'],
    ['putuskan', 'decision'],
    ['menyetujui', 'decision'],
    ['persetujuan', 'decision'],
    ['menetapkan', 'decision'],
    ['merencanakan', 'live'],
    ['perencanaan', 'live'],
    ['membahas', 'live'],
    ['pembahasan', 'live'],
    ['mendiskusikan', 'live'],
    ['pelatihan', 'live'],
    ['melaporkan', 'status'],
    ['dilaporkan', 'status'],
    ['laporannya', 'status'],
    ['berdiskusi', 'live'],
    ['terbahas', 'live'],
    ['pengumuman', 'broadcast'],
    ['mengumumkan', 'broadcast'],
    ['merayakan', 'social'],
  ])('when an Indonesian title has the inflected form "%s", then it is read as %s', (word, cls) => {
    expect(findPurposes(`Rapat ${word} tim`).map((h) => h.class)).toContain(cls);
  });

  it('when an affix rule of a lexicon is listed, then some word is found only through it', () => {
    const id = LEXICONS.find((l) => l.language === 'id')!;
    // One word per rule; the stem it must give comes back from that rule alone.
    const examples: Record<string, [string, string]> = {
      meng: ['mengirimkan', 'kirim'],
      meny: ['menyetujui', 'setuju'],
      mem: ['memutuskan', 'putus'],
      men: ['menetapkan', 'tetapkan'],
      me: ['melaporkan', 'lapor'],
      di: ['diputuskan', 'putus'],
      ber: ['berdiskusi', 'diskusi'],
      ter: ['terbahas', 'bahas'],
      peng: ['pengkajian', 'kaji'],
      peny: ['penyusunan', 'susun'],
      pem: ['pemutusan', 'putus'],
      pen: ['penetapan', 'tetap'],
      per: ['persetujuan', 'setuju'],
      pe: ['pelatihan', 'latih'],
      ke: ['keputusan', 'putus'],
    };
    for (const rule of id.prefixes) {
      const [word, stem] = examples[rule.affix] ?? ['', ''];
      expect(stemsOf(word, id), `prefix ${rule.affix}`).toContain(stem);
    }
    for (const [suffix, word, stem] of [['kan', 'putuskan', 'putus'], ['an', 'laporan', 'lapor'], ['i', 'setujui', 'setuju'], ['nya', 'laporannya', 'laporan']] as const) {
      expect(id.suffixes).toContain(suffix);
      expect(stemsOf(word, id), `suffix ${suffix}`).toContain(stem);
    }
    expect(id.suffixes).toHaveLength(4);
  });

  it('when German and Dutch write compounds, then the parts are found, the end decides, and "Statusbar" is no status meeting', () => {
    const classes = (t: string) => findPurposes(t).map((h) => h.class);
    expect(classes('Wochenupdate')).toContain('status');
    expect(classes('Statusmeeting Projekt Atlas')).toContain('status');
    expect(classes('Voortgangsoverleg')).toContain('status');
    expect(classes('Afscheidsborrel')).toContain('social');
    expect(classes('Weihnachtsfeier')).toContain('social');
    expect(classes('Störungsbericht monatlich')).toEqual(['status']);
    expect(classes('Statusbar redesign')).toEqual([]);
  });

  it('when titles carry accents, case or punctuation, then they are folded before matching', () => {
    expect(findPurposes('DÉCISION d’architecture').map((h) => h.class)).toContain('decision');
    expect(findPurposes('Atualizacao semanal').map((h) => h.class)).toContain('status');
    expect(findPurposes('Live Q & A').map((h) => h.class)).toContain('questions');
    expect(findPurposes('Dana / Jack 1:1').map((h) => h.class)).toContain('one_on_one');
    expect(findPurposes('Syncope research')).toEqual([]);
  });
});
