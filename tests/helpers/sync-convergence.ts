import fc from 'fast-check';

/**
 * One round of a sync-convergence property: faults are scheduled on the fake, the sync is run as
 * the job runner would (a run that fails is simply run again, resuming where it stopped), then
 * with the faults cleared one more sync must leave the store equal to the fake's truth.
 */
async function syncThroughFaults<F>(options: {
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

/**
 * One round of the convergence properties, for either provider: changes to the truth, faults for
 * the next requests (throttling, 5xx, lost requests and lost replies, expired tokens), changes made
 * while a sync waits for the vendor's answer (announced by a push during that run), maybe a
 * reconnect of the same account (the next sync lists everything again over the stored rows), and
 * maybe a delete of the connection or of its member while a sync waits (then the member is
 * created again and the same account connected anew).
 */
export interface ConvergenceRound<F> {
  changes: ChangeOp[];
  faults: F[];
  duringSync: ChangeOp[];
  reconnect: boolean;
  deleteDuringSync: DeleteTarget | null;
}

/** What a round deletes while a sync of the calendar waits for the vendor. */
export type DeleteTarget = 'connection' | 'member';

export const convergenceRound = <F>(op: fc.Arbitrary<ChangeOp>, fault: fc.Arbitrary<F>): fc.Arbitrary<ConvergenceRound<F>> =>
  fc.record({
    changes: fc.array(op, { maxLength: 6 }),
    faults: fc.array(fault, { maxLength: 3 }),
    duringSync: fc.array(op, { maxLength: 3 }),
    reconnect: fc.boolean(),
    deleteDuringSync: fc.oneof(
      { arbitrary: fc.constant(null), weight: 3 },
      { arbitrary: fc.constant<DeleteTarget>('connection'), weight: 1 },
      { arbitrary: fc.constant<DeleteTarget>('member'), weight: 1 },
    ),
  });

/** What the shared loop needs of a provider: its fake's truth and faults, and the service's side. */
export interface ConvergenceWorld<F> {
  /** Applies one change to the fake's truth. */
  change(op: ChangeOp): void;
  /** The fake's fault schedule. */
  faults: F[];
  /** Holds the next listing response open (put first in `faults`): a slow vendor, mid-sync. */
  holdListing(): { arrived: Promise<void>; release(): void };
  /** One sync of the calendar, as the job would run it. */
  sync(): Promise<unknown>;
  /** Runs the jobs due a few seconds from now (a push makes a job due within seconds), as the runner would. */
  runJobs(): Promise<{ ran: number; failed: number }>;
  /** Whether the calendar's sync job is due by the time `runJobs` looks next. */
  syncDue(): Promise<boolean>;
  /** The vendor's push notification for this calendar (a Google channel message, a Graph notification). */
  push(): Promise<void>;
  /** Connects the same account again (consent and callback), as after needs_reauth. */
  reconnect(): Promise<void>;
  /** Deletes the connection or its member through the API (answered 204). */
  remove(target: DeleteTarget): Promise<void>;
  /**
   * After a delete: creates the member again if it went, connects the same account anew, and
   * points `sync`, `push`, `syncDue` and `stored` at the new connection's calendar.
   */
  connectAgain(): Promise<void>;
  /** Rows still stored for the workspace's connections, by table (only deleted ones exist when asked). */
  connectionRows(): Promise<Record<string, number>>;
  stored(): Promise<string[]>;
  truth(): string[];
}

/**
 * What is left of a workspace's Google/Outlook connections, by table: connections, calendars,
 * events, sync_state, watch_channels, and the jobs that work for a connection (sync, push
 * channel renewal, ICS refresh). For a test app on in-memory SQLite holding one workspace.
 */
export function connectionRowsLeft(deps: { db: unknown }): Record<string, number> {
  const client = (deps.db as { $client: { prepare(sql: string): { get(): unknown } } }).$client;
  const count = (sql: string) => (client.prepare(sql).get() as { n: number }).n;
  const rows: Record<string, number> = {};
  for (const table of ['connections', 'calendars', 'events', 'sync_state', 'watch_channels']) rows[table] = count(`select count(*) as n from ${table}`);
  for (const kind of ['calendar.sync', 'calendar.watch', 'ics.refresh']) rows[`jobs ${kind}`] = count(`select count(*) as n from jobs where kind = '${kind}'`);
  return rows;
}

/**
 * A delete that wins over a running sync: the calendar's job runs with its listing held open, the
 * connection or member is deleted meanwhile, then the listing is answered. The run ends without a
 * failed job or a thrown error, and once the jobs due next have run too nothing of the connection
 * is left. Then the same account is connected again for the rounds after.
 */
async function deleteWhileSyncing<F>(world: ConvergenceWorld<F>, target: DeleteTarget): Promise<void> {
  await world.push(); // the job is due now
  const gate = world.holdListing();
  const running = world.runJobs();
  if ((await Promise.race([gate.arrived.then(() => 'held'), running.then(() => 'done')])) === 'done') throw new Error('the sync to delete under did not run');
  await world.remove(target);
  gate.release();
  const outcome = await running;
  if (outcome.failed !== 0) throw new Error(`deleting the ${target} during its sync failed ${outcome.failed} job(s)`);
  const after = await world.runJobs();
  if (after.failed !== 0) throw new Error(`after the ${target} was deleted, ${after.failed} job(s) failed`);
  const left = Object.entries(await world.connectionRows()).filter(([, n]) => n > 0);
  if (left.length > 0) throw new Error(`the ${target} was deleted during its sync, yet rows are left: ${left.map(([t, n]) => `${t} ${n}`).join(', ')}`);
  await world.connectAgain();
}

/**
 * The ops loop both provider properties share. A round with changes during a sync runs the
 * calendar's job with its listing held open, changes the truth and pushes meanwhile, then checks
 * the push was not lost (the job is due again right after that run); a round with a delete runs
 * `deleteWhileSyncing`; then the faults are played. After every round the store must equal the
 * truth: no duplicates, ghosts or lost changes.
 */
export async function convergeThroughRounds<F>(world: ConvergenceWorld<F>, rounds: Array<ConvergenceRound<F>>, check: (stored: string[], truth: string[]) => void): Promise<void> {
  for (const round of rounds) {
    for (const op of round.changes) world.change(op);
    if (round.reconnect) await world.reconnect();
    if (round.duringSync.length > 0) {
      await world.push(); // the job is due now
      const gate = world.holdListing();
      const running = world.runJobs();
      if ((await Promise.race([gate.arrived.then(() => 'held'), running.then(() => 'done')])) === 'done') throw new Error('the pushed sync did not run');
      for (const op of round.duringSync) world.change(op);
      await world.push();
      gate.release();
      const outcome = await running;
      // The vendor answered from the truth before these changes: only another run can see them.
      if (outcome.failed === 0) {
        if (!(await world.syncDue())) throw new Error('a push during the sync was lost: the job is not due again');
      }
    }
    if (round.deleteDuringSync) await deleteWhileSyncing(world, round.deleteDuringSync);
    await syncThroughFaults({ faults: round.faults, schedule: world.faults, sync: world.sync, check: async () => check(await world.stored(), world.truth()) });
  }
}
