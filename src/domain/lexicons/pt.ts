/** Portuguese purpose lexicon (a start). Accents are stripped before matching; plurals by -s/-es. */
import type { Lexicon, LexiconEntry, PurposeClass } from './types';

const of = (cls: PurposeClass, ...terms: string[]): LexiconEntry[] => terms.map((term) => ({ term, class: cls }));

export const pt: Lexicon = {
  language: 'pt',
  name: 'Portuguese',
  prefixes: [],
  suffixes: ['s', 'es'],
  compounds: false,
  entries: [
    ...of('status', 'atualização', 'semanal', 'acompanhamento', 'relatório', 'andamento', 'status'),
    ...of('readout', 'resultados', 'resumo'),
    ...of('broadcast', 'apresentação', 'comunicado', 'anúncio'),
    ...of('decision', 'decisão', 'aprovação', 'aprovar', 'decidir'),
    ...of('live', 'oficina', 'sessão de trabalho', 'retrospectiva', 'planejamento', 'comitê'),
    ...of('questions', 'perguntas e respostas', 'plantão de dúvidas', 'dúvidas'),
    ...of('social', 'despedida', 'aniversário', 'festa', 'confraternização', 'almoço'),
    ...of('incident', 'urgente', 'emergência', 'queda'),
    ...of('one_on_one', 'um a um'),
  ],
};
