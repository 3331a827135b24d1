/** Dutch purpose lexicon (a start). Dutch compounds ("Afscheidsborrel", "Inloopspreekuur") match like German ones. */
import type { Lexicon, LexiconEntry, PurposeClass } from './types';

const of = (cls: PurposeClass, ...terms: string[]): LexiconEntry[] => terms.map((term) => ({ term, class: cls }));

export const nl: Lexicon = {
  language: 'nl',
  name: 'Dutch',
  prefixes: [],
  suffixes: ['en', 'e', 's'],
  compounds: true,
  compoundTails: ['overleg', 'meeting', 'vergadering', 'bijeenkomst', 'sessie', 'call', 'rapport', 'vorming'],
  entries: [
    ...of('status', 'status', 'update', 'voortgang', 'wekelijks', 'rapportage', 'verslag', 'stand van zaken'),
    ...of('readout', 'resultaten', 'samenvatting', 'ter informatie', 'cijfers'),
    ...of('broadcast', 'mededeling', 'presentatie', 'personeelsbijeenkomst'),
    ...of('decision', 'besluit', 'beslissing', 'goedkeuring'),
    ...of('live', 'werksessie', 'brainstorm', 'workshop', 'retrospectief', 'planning', 'heisessie', 'heidag', 'discussie'),
    ...of('questions', 'vragenuur', 'spreekuur', 'inloop', 'vragen'),
    ...of('social', 'afscheid', 'borrel', 'verjaardag', 'feest', 'lunch'),
    ...of('incident', 'storing', 'noodgeval', 'crisis'),
    ...of('one_on_one', 'een op een'),
  ],
};
