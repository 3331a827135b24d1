/**
 * German purpose lexicon (a start). German writes compounds ("Wochenupdate", "Statusbericht",
 * "Weihnachtsfeier"), so a term also matches the end or start of a longer word; accents are
 * stripped before matching (ä → a, ß → ss).
 */
import type { Lexicon, LexiconEntry, PurposeClass } from './types';

const of = (cls: PurposeClass, ...terms: string[]): LexiconEntry[] => terms.map((term) => ({ term, class: cls }));

export const de: Lexicon = {
  language: 'de',
  name: 'German',
  prefixes: [],
  suffixes: ['en', 'es', 'er', 'e', 'n', 's'],
  compounds: true,
  compoundTails: ['meeting', 'besprechung', 'runde', 'termin', 'treffen', 'sitzung', 'call', 'report', 'vorlage', 'info', 'telko'],
  entries: [
    ...of('status', 'status', 'update', 'jour fixe', 'bericht', 'wochenrunde', 'lagebesprechung', 'fortschritt', 'sachstand', 'zwischenstand'),
    ...of('readout', 'ergebnisse', 'zahlen', 'zusammenfassung', 'zur information', 'zur kenntnis'),
    ...of('broadcast', 'versammlung', 'präsentation', 'vortrag', 'infoveranstaltung', 'ankündigung'),
    ...of('decision', 'entscheidung', 'entscheiden', 'freigabe', 'genehmigung', 'beschluss', 'abnahme'),
    ...of('live', 'workshop', 'arbeitssitzung', 'brainstorming', 'retrospektive', 'planung', 'klausur', 'rat', 'gremium', 'ausschuss', 'diskussion'),
    ...of('questions', 'fragestunde', 'sprechstunde', 'fragerunde', 'fragen'),
    ...of('social', 'abschied', 'geburtstag', 'feier', 'umtrunk', 'mittagessen', 'stammtisch'),
    ...of('incident', 'störung', 'notfall', 'krisenstab', 'ausfall'),
    ...of('one_on_one', 'mitarbeitergespräch', 'einzelgespräch'),
  ],
};
