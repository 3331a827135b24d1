import type { AuditReport } from '../domain/audit';

const columns: Array<[string, string]> = [
  ['meetingHours', 'meetings h'],
  ['meetingShare', 'share'],
  ['afterHoursMeetingHours', 'after-hours h'],
  ['nonWorkingDayMeetingHours', 'off-day h'],
  ['focusHours', 'focus h'],
  ['fragmentedHours', 'fragmented h'],
  ['backToBackChains', 'b2b chains'],
  ['recurringMeetingHours', 'recurring h'],
  ['crossZoneOutsideHoursHours', 'x-zone off-hours h'],
];

const cell = (key: string, value: number | undefined) =>
  value === undefined ? '-' : key === 'meetingShare' ? `${Math.round(value * 100)}%` : String(value);

/** The audit as a plain-text table: per week, one row per member and one for the team. */
export function formatAuditTable(report: AuditReport): string {
  const header = ['member', ...columns.map(([, label]) => label)];
  const rows = report.members.map((m) => [m.email, ...columns.map(([k]) => cell(k, (m.perWeek as unknown as Record<string, number>)[k]))]);
  rows.push(['team (sum)', ...columns.map(([k]) => cell(k, (report.team.perWeek as unknown as Record<string, number>)[k]))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  const out = [
    `Meeting load per week, ${report.range.from} to ${report.range.to} (${report.range.days} days, each member's own time zone)`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ];
  if (report.team.topSeries.length > 0) {
    out.push('', 'Recurring series by person-hours:');
    for (const s of report.team.topSeries) out.push(`  ${String(s.personHours).padStart(7)} h  ${s.title} (${s.occurrences} occurrences)`);
  }
  return out.join('\n');
}
