/**
 * Finds purpose words in a title or description with the per-language lexicons. Every language
 * is tried on every text: titles mix languages ("Weekly sync tim data") and the text carries no
 * language tag we could trust. Pure and allocation-light: lexicons are compiled once.
 */
import { de } from './de';
import { en } from './en';
import { es } from './es';
import { fr } from './fr';
import { id } from './id';
import { nl } from './nl';
import { pt } from './pt';
import type { Lexicon, LexiconEntry, PurposeClass } from './types';

export type { Lexicon, LexiconEntry, PurposeClass } from './types';
export { ONE_WAY_CLASSES } from './types';

/** Every language unmeet reads, in the order hits are reported. Adding a language = adding its file here. */
export const LEXICONS: readonly Lexicon[] = [en, id, de, nl, fr, es, pt];

/** Stems shorter than this are not tried: "di" + "an" would otherwise turn "dian" into nothing useful. */
const MIN_STEM = 4;
/** Compound parts: a term may end a longer word from 3 letters ("Architektur|rat"), start one from 5 ("Voortgangs|overleg"). */
const MIN_COMPOUND_TAIL = 3;
const MIN_COMPOUND_HEAD = 5;
/** Descriptions longer than this are read only this far: purpose is stated early, and import stays cheap. */
const MAX_TEXT = 20_000;

/** Lower case, accents off (é → e, ä → a, ß → ss), so lexicons and text meet in one alphabet. */
export function normalizeText(text: string): string {
  return text.toLowerCase().normalize('NFD').replace(/\p{M}+/gu, '').replace(/ß/g, 'ss');
}

/** Words: runs of letters and digits; hyphens, slashes, colons and ampersands split ("1:1" → 1, 1). */
export function wordsOf(text: string): string[] {
  return normalizeText(text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

export interface PurposeHit {
  class: PurposeClass;
  language: string;
  /** The lexicon entry as written in its file. */
  term: string;
  /** The words of the text that matched, as normalised. */
  matched: string;
}

interface CompiledEntry {
  entry: LexiconEntry;
  words: string[];
}

interface CompiledLexicon {
  lexicon: Lexicon;
  /** Entries by their first word, for the exact and stem lookups. */
  byFirst: Map<string, CompiledEntry[]>;
  /** One-word entries, for compound matching. */
  single: CompiledEntry[];
  /** What may follow a term at the start of a compound: `compoundTails` and every one-word entry. */
  tails: Set<string>;
}

function compile(lexicon: Lexicon): CompiledLexicon {
  const byFirst = new Map<string, CompiledEntry[]>();
  const single: CompiledEntry[] = [];
  for (const entry of lexicon.entries) {
    const words = wordsOf(entry.term);
    if (words.length === 0) throw new Error(`lexicon ${lexicon.language}: empty term "${entry.term}"`);
    const compiled = { entry, words };
    const list = byFirst.get(words[0]!) ?? [];
    list.push(compiled);
    byFirst.set(words[0]!, list);
    if (words.length === 1) single.push(compiled);
  }
  const tails = new Set([...(lexicon.compoundTails ?? []).map(normalizeText), ...single.map((c) => c.words[0]!)]);
  return { lexicon, byFirst, single, tails };
}

const COMPILED = LEXICONS.map(compile);

/** A word and the stems its language's affix rules give (the word itself first). */
export function stemsOf(word: string, lexicon: Pick<Lexicon, 'prefixes' | 'suffixes'>): string[] {
  const bases = [word];
  for (const p of lexicon.prefixes) {
    if (!word.startsWith(p.affix)) continue;
    const rest = word.slice(p.affix.length);
    if (rest.length >= MIN_STEM - 1) bases.push(rest, ...(p.restore ?? []).map((letter) => letter + rest));
  }
  const out = new Set<string>();
  const strip = (base: string, depth: number) => {
    for (const s of lexicon.suffixes) {
      if (!base.endsWith(s) || base.length - s.length < MIN_STEM) continue;
      const stem = base.slice(0, -s.length);
      out.add(stem);
      // Suffixes stack once ("laporannya" = lapor + -an + -nya).
      if (depth === 0) strip(stem, 1);
    }
  };
  for (const base of bases) {
    if (base === word || base.length >= MIN_STEM) out.add(base);
    strip(base, 0);
  }
  return [...out];
}

const LINKS = ['', 's', 'e', 'en', 'n'];

/** How a word matched a term: as itself or a stem, as the end of a compound, or as its start. */
type WordMatch = 'word' | 'tail' | 'head' | null;

function wordMatch(stems: readonly string[], term: string, lex: CompiledLexicon): WordMatch {
  if (stems.includes(term)) return 'word';
  if (!lex.lexicon.compounds) return null;
  const tailOk = (rest: string) => LINKS.some((l) => rest.startsWith(l) && lex.tails.has(rest.slice(l.length)));
  if (term.length >= MIN_COMPOUND_TAIL && stems.some((s) => s.length > term.length && s.endsWith(term))) return 'tail';
  if (term.length >= MIN_COMPOUND_HEAD && stems.some((s) => s.length > term.length && s.startsWith(term) && tailOk(s.slice(term.length)))) return 'head';
  return null;
}

interface WordInfo {
  stems: string[];
  /** Entries whose first word this word matches, and how (compound starts are weaker than ends). */
  starts: Array<[CompiledEntry, WordMatch]>;
}

/**
 * What each lexicon makes of one word, cached across calls: descriptions repeat a small
 * vocabulary, and import reads every event's description. Bounded; cleared when full.
 */
const WORD_CACHE = new Map<string, WordInfo[]>();
const WORD_CACHE_MAX = 20_000;

function analyse(word: string): WordInfo[] {
  const cached = WORD_CACHE.get(word);
  if (cached) return cached;
  const infos = COMPILED.map((compiled) => {
    const stems = stemsOf(word, compiled.lexicon);
    const starts: Array<[CompiledEntry, WordMatch]> = [];
    const seen = new Set<CompiledEntry>();
    for (const s of stems) {
      for (const c of compiled.byFirst.get(s) ?? []) {
        if (!seen.has(c)) starts.push([c, 'word']);
        seen.add(c);
      }
    }
    if (compiled.lexicon.compounds) {
      for (const c of compiled.single) {
        if (seen.has(c)) continue;
        const m = wordMatch(stems, c.words[0]!, compiled);
        if (m) starts.push([c, m]);
      }
    }
    return { stems, starts };
  });
  if (WORD_CACHE.size >= WORD_CACHE_MAX) WORD_CACHE.clear();
  WORD_CACHE.set(word, infos);
  return infos;
}

/**
 * Every lexicon entry found in `text`, in text order per language. A phrase matches consecutive
 * words; each word may be an inflected form (affix rules) and, in compounding languages, a part
 * of a longer word. An entry is reported once however often it occurs.
 */
export function findPurposes(text: string): PurposeHit[] {
  const words = wordsOf(text);
  if (words.length === 0) return [];
  const infos = words.map(analyse);
  const hits: PurposeHit[] = [];
  COMPILED.forEach((compiled, l) => {
    const seen = new Set<LexiconEntry>();
    for (let i = 0; i < words.length; i++) {
      const found: Array<[CompiledEntry, WordMatch]> = [];
      for (const [c, first] of infos[i]![l]!.starts) {
        if (seen.has(c.entry) || i + c.words.length > words.length) continue;
        if (c.words.length === 1) found.push([c, first]);
        else if (c.words.every((w, k) => k === 0 || wordMatch(infos[i + k]![l]!.stems, w, compiled) !== null)) found.push([c, 'word']);
      }
      // The end of a compound names what it is, its start only the topic: "Störungsbericht" is a
      // report (about disruptions), so when a word's end matched, matches of its start alone drop.
      const ended = found.some(([, m]) => m !== 'head');
      for (const [c, m] of found) {
        if (m === 'head' && ended) continue;
        seen.add(c.entry);
        hits.push({ class: c.entry.class, language: compiled.lexicon.language, term: c.entry.term, matched: words.slice(i, i + c.words.length).join(' ') });
      }
    }
  });
  return hits;
}

/** The first hit of each purpose class in `text`. */
export function purposesOf(text: string): Map<PurposeClass, PurposeHit> {
  const out = new Map<PurposeClass, PurposeHit>();
  for (const hit of findPurposes(text)) if (!out.has(hit.class)) out.set(hit.class, hit);
  return out;
}
