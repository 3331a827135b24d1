import { resolve } from 'node:path';
import { isUnmeetError } from '../domain/errors';
import type { RotationPlan } from '../domain/rotation';
import { createRotationWorker } from '../entry/rotation-exact-worker';
import { createLogger } from '../logger';
import { normalizeWorkingHours } from '../domain/working-hours';
import { rotationInput } from '../services/rotation-input';
import { InputError, readJsonFile, shownPath } from './team-file';

/**
 * `unmeet rotate --input rotation.json [--json]`: plans a fair rotation offline (no database,
 * no calendars: history and busy time come from the file). Every input problem names the file.
 */
export async function rotateCommand(values: { input?: string | boolean | undefined; json?: string | boolean | undefined }): Promise<string> {
  if (typeof values.input !== 'string') throw new InputError('usage: unmeet rotate --input rotation.json [--json]');
  const path = resolve(values.input);
  const shown = shownPath(path);
  const input = await readJsonFile(path, rotationInput);
  const participants = input.participants.map((p, i) => {
    const where = `${shown}: participants.${i} (${p.email})`;
    if (p.timeZone === undefined) throw new InputError(`${where}: timeZone is required`);
    try {
      return {
        email: p.email,
        timeZone: p.timeZone,
        workingHours: normalizeWorkingHours(p.workingHours),
        optIn: p.optIn,
        history: p.history ?? 0,
        historyNights: p.historyNights ?? 0,
        optional: p.optional,
        busy: (p.busy ?? []).map((b) => ({ start: Date.parse(b.start), end: Date.parse(b.end) })).sort((a, b) => a.start - b.start),
      };
    } catch (error) {
      if (isUnmeetError(error)) throw new InputError(`${where}: ${error.message}`);
      throw error;
    }
  });
  let plan: RotationPlan;
  // The exact solver in a worker thread, as the server plans; the heuristic if it fails.
  const worker = createRotationWorker(createLogger('error'));
  try {
    plan = await worker.planner({ ...input, participants });
  } catch (error) {
    if (isUnmeetError(error)) throw new InputError(`${shown}: ${error.message} (${error.code})`);
    throw error;
  } finally {
    await worker.close();
  }
  return values.json ? JSON.stringify(plan, null, 2) : formatRotation(plan);
}

/** The plan as text: one line per occurrence (local time and pain per time zone), the ledger, the metrics. */
export function formatRotation(plan: RotationPlan): string {
  const zones = new Map<string, string>();
  for (const l of plan.ledger) if (!zones.has(l.timeZone)) zones.set(l.timeZone, l.email);
  const out = [`${plan.title}: ${plan.occurrences.length} occurrences, ${plan.durationMinutes} min`, ''];
  for (const occ of plan.occurrences) {
    const cells = [...zones].map(([zone, email]) => `${zone.split('/').at(-1)} ${occ.local[email]!.slice(11, 16)}${occ.pain[email] ? ` (${occ.pain[email]})` : ''}`);
    out.push(`${occ.date}  ${occ.start.slice(11, 16)}Z  ${cells.join('  ')}`);
  }
  out.push('', 'burden (points)  history + this series, outside-hours / night occurrences');
  for (const l of plan.ledger) out.push(`  ${l.email.padEnd(32)} ${String(l.burden).padStart(9)} = ${l.history} + ${l.seriesPain}   ${l.outsideHoursCount} / ${l.nightCount}`);
  const f = plan.fairness;
  out.push('', `max ${f.maxBurden}, max/mean ${f.maxOverMean} (${f.alert}), Gini ${f.gini}, ${f.distinctSlots} distinct slot(s), ${f.slotChanges} change(s)`, '', plan.explanation);
  return out.join('\n');
}
