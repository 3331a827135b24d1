import type { Locale } from '../i18n';

/**
 * A page's own strings in both languages, kept beside each other in one small module per area
 * (`texts/outbox.ts`, `texts/digest.ts`, …) rather than all in `i18n.ts`. The Indonesian side
 * must have exactly the English side's keys and shapes: the compiler refuses a missing or extra
 * one.
 */
export function defineTexts<T extends Record<string, unknown>>(en: T, id: NoInfer<{ [K in keyof T]: T[K] }>): (locale: Locale) => T {
  const byLocale: Record<Locale, T> = { en, id: id as T };
  return (locale) => byLocale[locale];
}
