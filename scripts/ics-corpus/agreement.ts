/**
 * Agreement figures for docs/ics-corpus.md: per producer family, how many corpus files parseIcs
 * and the golden agree on exactly, and how many differ only as the allow-list explains.
 *
 *   npx tsx scripts/ics-corpus/agreement.ts            # table
 *   npx tsx scripts/ics-corpus/agreement.ts --diffs    # and every difference, for writing the allow-list
 */
import { check, loadAllowList, loadManifest } from './compare';

const showDiffs = process.argv.includes('--diffs');
const allowList = loadAllowList();
const rows = new Map<string, { total: number; exact: number; explained: number; bug: number; failing: number }>();
let instances = 0;
for (const entry of loadManifest()) {
  const outcome = check(entry, allowList);
  instances += outcome.instances;
  const row = rows.get(entry.family) ?? { total: 0, exact: 0, explained: 0, bug: 0, failing: 0 };
  row.total++;
  if (outcome.differences.length === 0) row.exact++;
  else if (outcome.unexplained.length > 0) row.failing++;
  else if (outcome.bugs.length > 0) row.bug++;
  else row.explained++;
  if (outcome.stale.length > 0) console.log(`stale allow-list entries for ${entry.file}: ${outcome.stale.map((a) => a.instance ?? a.refused).join(', ')}`);
  rows.set(entry.family, row);
  if (showDiffs && outcome.differences.length > 0) {
    console.log(`\n## ${entry.file} (${entry.producer})`);
    const mark = (d: string): string => (outcome.unexplained.includes(d) ? '!' : outcome.bugs.includes(d) ? 'B' : ' ');
    for (const d of outcome.differences.slice(0, 40)) console.log(`  ${mark(d)} ${d}`);
    if (outcome.differences.length > 40) console.log(`  … ${outcome.differences.length - 40} more`);
  }
}
const sum = { total: 0, exact: 0, explained: 0, bug: 0, failing: 0 };
console.log('\n| Producer | Files | Agree exactly | Differ as the RFC allows | Differ: unmeet bug | Differ, unexplained |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [family, row] of [...rows].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(`| ${family} | ${row.total} | ${row.exact} | ${row.explained} | ${row.bug} | ${row.failing} |`);
  for (const k of ['total', 'exact', 'explained', 'bug', 'failing'] as const) sum[k] += row[k];
}
console.log(`| **All** | ${sum.total} | ${sum.exact} | ${sum.explained} | ${sum.bug} | ${sum.failing} |`);
console.log(`\n${instances} golden instances.`);
