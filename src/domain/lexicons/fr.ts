/** French purpose lexicon (a start). Accents are stripped before matching; plurals by -s/-x. */
import type { Lexicon, LexiconEntry, PurposeClass } from './types';

const of = (cls: PurposeClass, ...terms: string[]): LexiconEntry[] => terms.map((term) => ({ term, class: cls }));

export const fr: Lexicon = {
  language: 'fr',
  name: 'French',
  prefixes: [],
  suffixes: ['s', 'x'],
  compounds: false,
  entries: [
    ...of('status', 'point hebdo', 'hebdo', 'hebdomadaire', 'avancement', 'mise à jour', 'suivi', 'statut'),
    ...of('readout', 'compte rendu', 'compte-rendu', 'bilan', 'rapport', 'résultat', 'réunion d\'information', 'pour information'),
    ...of('broadcast', 'présentation', 'annonce', 'plénière', 'conférence'),
    ...of('decision', 'décision', 'validation', 'approbation', 'arbitrage', 'comité de pilotage'),
    ...of('live', 'atelier', 'séance de travail', 'remue-méninges', 'rétrospective', 'planification', 'comité', 'table ronde'),
    ...of('questions', 'questions-réponses', 'permanence'),
    ...of('social', 'pot de départ', 'anniversaire', 'fête', 'afterwork', 'déjeuner'),
    ...of('incident', 'panne', 'urgence', 'cellule de crise'),
    ...of('one_on_one', 'tête-à-tête', 'entretien individuel'),
  ],
};
