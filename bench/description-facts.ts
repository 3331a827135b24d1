/**
 * What the purpose facts (issue 21) cost at import: `describeText` on realistic invitations,
 * against the same call without the lexicon pass (agenda, doc link and length only) from the
 * same run, as a ratio. Run: `npx tsx bench/description-facts.ts`.
 */
import { describeText, purposeFacts } from '../src/domain/event-facts';

const paragraphs = [
  'Hi team, this is our weekly sync. Please add your updates to the doc before the meeting.',
  'Agenda:\n1. Roadmap review\n2. Hiring pipeline\n3. Budget approval for Q1',
  'Rapat ini untuk memutuskan vendor cloud dan membahas rencana migrasi. Silakan baca dokumen terlampir.',
  'FYI: a readout of last week’s metrics. No need to prepare; bring your questions.',
  'Join with Google Meet: https://meet.google.com/abc-defg-hij  Notes: https://docs.google.com/document/d/xyz',
  'Präsentation der Quartalszahlen, danach Fragerunde. Bitte vorher den Bericht lesen.',
];
// Invitations of 1 to 12 paragraphs (about 90 characters to 1.5 KB).
const texts = Array.from({ length: 400 }, (_, i) => Array.from({ length: 1 + (i % 12) }, (_, k) => paragraphs[(i + k) % paragraphs.length]).join('\n\n'));

function time(fn: (text: string) => unknown): number {
  for (const t of texts) fn(t);
  const rounds = 20;
  const start = performance.now();
  for (let r = 0; r < rounds; r++) for (const t of texts) fn(t);
  return (performance.now() - start) / (rounds * texts.length);
}

const lexicon = time((t) => purposeFacts(t));
const total = time((t) => describeText(t));
const without = Math.max(total - lexicon, 1e-6);
console.log(`describeText: ${(total * 1000).toFixed(1)} µs per invitation; purpose facts alone: ${(lexicon * 1000).toFixed(1)} µs`);
console.log(`ratio with/without purpose facts: ${(total / without).toFixed(2)}`);
