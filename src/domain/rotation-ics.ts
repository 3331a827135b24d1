/**
 * A rotating series as an iCalendar file (RFC 5545): one VEVENT per occurrence (its own event,
 * not an RRULE, since the start moves), tagged as ours with `X-UNMEET-ROTATION` and a
 * `@unmeet` UID so the service recognises — and only ever touches — events it created.
 */
import type { RotationPlan } from './rotation';

/**
 * RFC 5545 TEXT escaping. Every line break (CRLF, a lone LF and a lone CR alike) becomes `\n`:
 * an unescaped CR would end the content line for many parsers, so a title could inject its own
 * properties (an extra ATTENDEE, say). Other control characters are not allowed in TEXT and are dropped.
 */
export const escapeText = (s: string) =>
  s
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n|\u2028|\u2029/g, '\\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');

/** Folds a content line at 75 octets (UTF-8), continuation lines starting with a space. */
function fold(line: string): string {
  const encoder = new TextEncoder();
  if (encoder.encode(line).length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let size = 0;
  for (const ch of line) {
    const n = encoder.encode(ch).length;
    if (size + n > (parts.length === 0 ? 75 : 74)) {
      parts.push(current);
      current = '';
      size = 0;
    }
    current += ch;
    size += n;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const basic = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d+/, '');

/**
 * The plan's occurrences as an ICS calendar. `now` (UTC ms) is the DTSTAMP; `organizer` is
 * optional. Each event's description says everyone's local time, so the file explains itself.
 */
export function rotationToIcs(input: { id: string; plan: RotationPlan; now: number; organizer?: string | undefined }): string {
  const { id, plan, now } = input;
  const stamp = basic(new Date(now).toISOString());
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//unmeet//rotation//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', `X-WR-CALNAME:${escapeText(plan.title)}`];
  for (const occ of plan.occurrences) {
    const locals = Object.entries(occ.local)
      .map(([email, local]) => `${email}: ${local.slice(11, 16)} (${local.slice(0, 10)})`)
      .join('\n');
    lines.push(
      'BEGIN:VEVENT',
      `UID:${id}-${occ.index + 1}@unmeet`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${basic(occ.start)}`,
      `DTEND:${basic(occ.end)}`,
      `SUMMARY:${escapeText(`${plan.title} (${occ.index + 1}/${plan.occurrences.length})`)}`,
      `DESCRIPTION:${escapeText(`Rotating slot ${occ.slot} ${plan.timeZone}, chosen by unmeet to share early and late hours fairly.\nLocal times:\n${locals}`)}`,
      ...(input.organizer ? [`ORGANIZER:mailto:${input.organizer}`] : []),
      ...Object.keys(occ.local).map((email) => `ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:${email}`),
      'TRANSP:OPAQUE',
      `X-UNMEET-ROTATION:${id}`,
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
