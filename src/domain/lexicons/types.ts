/**
 * The shape of a purpose lexicon: one data file per language, each word or phrase with the
 * purpose it reveals. Matching (./index.ts) lower-cases, strips accents and splits on anything
 * that is not a letter or digit, so "Stand-up", "stand up" and "STAND UP" are one phrase; a word
 * also matches through the language's affix rules ("memutuskan" → "putus").
 */

/**
 * What a word says about why people meet. One-way classes (`status`, `readout`, `broadcast`) are
 * the evidence a flag needs; the others keep a meeting live (each feeds a dampener).
 */
export type PurposeClass =
  | 'status'
  | 'readout'
  | 'broadcast'
  | 'decision'
  | 'live'
  | 'questions'
  | 'social'
  | 'incident'
  | 'one_on_one';

export const ONE_WAY_CLASSES: readonly PurposeClass[] = ['status', 'readout', 'broadcast'];

export interface LexiconEntry {
  /** A word stem, a whole word or a phrase, written naturally (accents and hyphens allowed). */
  term: string;
  class: PurposeClass;
}

export interface PrefixRule {
  affix: string;
  /** Letters the prefix swallows and that come back when it is removed (Indonesian meN-: "memutus" → "putus"). */
  restore?: readonly string[];
}

export interface Lexicon {
  /** ISO 639-1 code. */
  language: string;
  name: string;
  /** Prefixes removed to find a stem (tried alone and with each suffix). */
  prefixes: readonly PrefixRule[];
  /** Suffixes removed to find a stem. */
  suffixes: readonly string[];
  /**
   * Compounding languages (German, Dutch) write "Wochenupdate", "Afscheidsborrel": a one-word
   * term also matches the end of a longer word (3+ letters) or its start (5+ letters).
   */
  compounds: boolean;
  /**
   * With `compounds`: words for a meeting or a write-up that may end a compound after a term
   * ("Status|meeting", "Voortgangs|overleg"). A term matches the start of a longer word only when
   * one of these, or another one-word entry, makes up the rest (after a linking s/e/en), so
   * "Statusbar" is not a status meeting.
   */
  compoundTails?: readonly string[];
  entries: readonly LexiconEntry[];
}
