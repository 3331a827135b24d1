/** Spanish purpose lexicon (a start). Accents are stripped before matching; plurals by -s/-es. */
import type { Lexicon, LexiconEntry, PurposeClass } from './types';

const of = (cls: PurposeClass, ...terms: string[]): LexiconEntry[] => terms.map((term) => ({ term, class: cls }));

export const es: Lexicon = {
  language: 'es',
  name: 'Spanish',
  prefixes: [],
  suffixes: ['s', 'es'],
  compounds: false,
  entries: [
    ...of('status', 'actualización', 'semanal', 'seguimiento', 'informe', 'estado', 'avance', 'reporte'),
    ...of('readout', 'resultados', 'resumen'),
    ...of('broadcast', 'presentación', 'anuncio', 'comunicado', 'conferencia'),
    ...of('decision', 'decisión', 'aprobación', 'aprobar', 'decidir'),
    ...of('live', 'taller', 'sesión de trabajo', 'lluvia de ideas', 'retrospectiva', 'planificación', 'comité', 'mesa redonda'),
    ...of('questions', 'preguntas y respuestas', 'preguntas'),
    ...of('social', 'despedida', 'cumpleaños', 'fiesta', 'celebración', 'almuerzo'),
    ...of('incident', 'urgente', 'emergencia', 'caída'),
    ...of('one_on_one', 'uno a uno'),
  ],
};
