/**
 * How the overview and its Do next write numbers, shares and dates: through Intl in the page's
 * locale, formatters built once (a large team's page formats thousands of figures).
 */
import type { Locale } from './i18n';

const dateFormats: Record<Locale, Intl.DateTimeFormat> = {
  en: new Intl.DateTimeFormat('en-US', { day: 'numeric', month: 'short', timeZone: 'UTC' }),
  id: new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'short', timeZone: 'UTC' }),
};
/** Table figures and chart ticks as the audit API has them (up to 2 decimals), in the locale's digits and without grouping. */
export const tableNumbers: Record<Locale, Intl.NumberFormat> = {
  en: new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, useGrouping: false }),
  id: new Intl.NumberFormat('id-ID', { maximumFractionDigits: 2, useGrouping: false }),
};
const percentFormats: Record<Locale, Intl.NumberFormat> = {
  en: new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 0 }),
  id: new Intl.NumberFormat('id-ID', { style: 'percent', maximumFractionDigits: 0 }),
};
/** A week's Monday as a short local date ("Nov 2", "2 Nov"). */
export const shortDate = (locale: Locale, iso: string) => dateFormats[locale].format(new Date(`${iso}T00:00:00Z`));
export const percent = (locale: Locale, share: number) => percentFormats[locale].format(share);
export const fill = (text: string, values: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));
