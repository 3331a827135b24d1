/**
 * A vendor's zone name → an IANA zone, for every provider that reads one (ICS TZIDs, Graph's
 * `timeZone`). Exporters write IANA names, Windows zone names ("W. Europe Standard Time",
 * "tzone://Microsoft/Pacific Standard Time"), Windows display names ("(UTC-05:00) Eastern Time
 * (US & Canada)", Outlook Web App publishing), names behind a vendor prefix
 * ("/freeassociation.sourceforge.net/Europe/Stockholm", "/Europe/Stockholm") and bare offsets
 * ("UTC+01"). Windows names resolve from CLDR's windowsZones table, stored beside this file with
 * its source and licence; windows-iana (the same table, packaged) catches older spellings. Pure,
 * with one bounded memo (Intl validation is slow and names come from input).
 */
import { IANAZone } from 'luxon';
import { findIana } from 'windows-iana';
import windowsZones from './windows-zones.json' with { type: 'json' };

/** "(UTC-05:00) " or "(GMT+01:00) " at the start of a Windows display name. */
const DISPLAY_PREFIX = /^\((?:UTC|GMT)(?:\s*([+-])\s*(\d{1,2}):?(\d{2}))?\)\s*/i;
/** "UTC+01", "GMT-5", "UTC+05:30", "UTC+0530" (also "Etc/GMT" is an IANA name and never gets here). */
const BARE_OFFSET = /^(?:UTC|GMT)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$/i;

/**
 * A Windows name or display text as a lookup key: without the offset prefix, lower case, one
 * space between words, "&" for " and " (exports write "(US and Canada)" for "(US & Canada)").
 */
const windowsKey = (name: string): string =>
  name.replace(DISPLAY_PREFIX, '').trim().toLowerCase().replace(/\s+/g, ' ').replace(/ and /g, ' & ');

/** Windows zone name and display text (as {@link windowsKey}) → IANA. */
const WINDOWS = new Map<string, string>();
for (const [display, windows, iana] of windowsZones.zones as Array<[string | null, string, string]>) {
  WINDOWS.set(windowsKey(windows), iana);
  if (display) WINDOWS.set(windowsKey(display), iana);
}

/**
 * Map a zone name to an IANA name, or null when it names no zone this knows. Bare offsets of
 * whole hours become `Etc/GMT∓h` (other offsets: see {@link offsetFromTzid}).
 */
export function ianaFromTzid(tzid: string): string | null {
  let name = tzid.trim().replace(/^"+|"+$/g, '').trim();
  if (name === '') return null;
  name = name.replace(/^tzone:\/\/microsoft\//i, '');
  if (/^(utc|gmt|z|etc\/utc|etc\/gmt)$/i.test(name)) return 'UTC';
  const direct = lookupName(name);
  if (direct) return direct;
  const segments = name.split('/').filter((s) => s !== '');
  for (let i = 0; i < segments.length; i++) {
    const found = lookupName(segments.slice(i).join('/'));
    if (found) return found;
  }
  // A bare offset names a fixed zone; a display name's offset is only a hint (its zone may keep
  // daylight saving), left to the caller (see offsetFromTzid).
  const offset = BARE_OFFSET.test(name) ? offsetFromTzid(name) : null;
  if (offset !== null && offset % 60 === 0 && Math.abs(offset) <= 14 * 60) {
    return offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset) / 60}`;
  }
  return null;
}

/**
 * The fixed offset (minutes east of UTC) a name states, or null: a bare offset ("UTC+05:30")
 * or the prefix of a Windows display name ("(UTC+05:30) Somewhere"), whatever its text.
 */
export function offsetFromTzid(tzid: string): number | null {
  const name = tzid.trim().replace(/^"+|"+$/g, '').trim();
  const match = BARE_OFFSET.exec(name) ?? DISPLAY_PREFIX.exec(name);
  if (!match) return null;
  if (match[1] === undefined) return 0; // "(UTC) Coordinated Universal Time"
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  if (minutes > 14 * 60) return null;
  return match[1] === '-' ? -minutes : minutes;
}

/** Whether the name is a Windows display name ("(UTC+01:00) Amsterdam, Berlin, …"). */
export function isDisplayName(tzid: string): boolean {
  return DISPLAY_PREFIX.test(tzid.trim().replace(/^"+/, ''));
}

/** Memo of name → IANA zone lookups; bounded, as names come from input. */
const NAME_MEMO = new Map<string, string | null>();

function lookupName(name: string): string | null {
  const known = NAME_MEMO.get(name);
  if (known !== undefined) return known;
  let found: string | null = null;
  if (/^[A-Za-z]/.test(name) && !/\s/.test(name) && IANAZone.isValidZone(name)) found = name;
  else found = WINDOWS.get(windowsKey(name)) ?? findIana(name)[0] ?? null;
  if (NAME_MEMO.size >= 1_000) NAME_MEMO.clear();
  NAME_MEMO.set(name, found);
  return found;
}
