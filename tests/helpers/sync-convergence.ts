import fc from 'fast-check';

/**
 * One round of a sync-convergence property: faults are scheduled on the fake, the sync is run as
 * the job runner would (a run that fails is simply run again, resuming where it stopped), then
 * with the faults cleared one more sync must leave the store equal to the fake's truth.
 */
export async function syncThroughFaults<F>(options: {
  faults: F[];
  schedule: F[];
  sync: () => Promise<unknown>;
  check: () => Promise<void>;
}): Promise<void> {
  options.schedule.push(...options.faults);
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      await options.sync();
      break;
    } catch {
      // a fault outlasted the retries: the next run resumes
    }
  }
  options.schedule.length = 0;
  await options.sync();
  await options.check();
}

/** Random changes to a fake calendar's truth: the vocabulary of the convergence properties. */
export type ChangeOp =
  | { kind: 'add'; n: number; hour: number }
  | { kind: 'series'; n: number; count: number }
  | { kind: 'move'; pick: number; hour: number }
  | { kind: 'remove'; pick: number }
  | { kind: 'expire' };

/** `farMoves`: some moves leave the kept window (about 400 days ahead). */
export const changeOp = (options: { farMoves?: boolean } = {}): fc.Arbitrary<ChangeOp> => {
  const near = fc.integer({ min: -100, max: 100 });
  return fc.oneof(
    fc.record({ kind: fc.constant('add' as const), n: fc.nat(50), hour: fc.integer({ min: -200, max: 200 }) }),
    fc.record({ kind: fc.constant('series' as const), n: fc.nat(10), count: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), hour: options.farMoves ? fc.oneof(near, fc.constant(24 * 400)) : near }),
    fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
    fc.constant({ kind: 'expire' as const }),
  );
};
