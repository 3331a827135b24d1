/**
 * The job queue (leases, retries, schedules): every query scoped by workspace. `createJobRepository` runs past the usual 80 lines only because
 * it is the list of its query methods, each a few lines; splitting it would scatter one table's
 * queries over several files.
 */
import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from './database';
import { newId } from './ids';
import { jobs } from './schema';

export type JobRow = typeof jobs.$inferSelect;

/**
 * The job queue. Jobs are system-wide (the runner serves every workspace), but each job that
 * belongs to a workspace carries its id and its handler only touches that workspace.
 */
export function createJobRepository({ db }: { db: Db }) {
  return {
    /** Schedules a job; a job with the same key is replaced (so re-scheduling is idempotent). */
    async schedule(job: {
      key: string;
      kind: string;
      workspaceId: string | null;
      payload: Record<string, unknown>;
      runAt: number;
      everyMs: number | null;
    }): Promise<void> {
      await db
        .insert(jobs)
        .values({ id: newId('job'), ...job })
        .onConflictDoUpdate({
          target: jobs.key,
          set: { kind: job.kind, payload: job.payload, runAt: job.runAt, everyMs: job.everyMs, attempts: 0 },
        });
    },

    /**
     * Brings a scheduled job forward to `runAt` (never later than it already is): many push
     * notifications in a burst collapse into one run. It also marks the job for a rerun: a job
     * running right now (its runAt already past) may have read the vendor before the change this
     * call announces, so `complete` runs it again at once instead of after its period. Leasing
     * clears the mark, since a run that starts afterwards sees the change anyway. Returns the job
     * id, if there is such a job.
     */
    async expedite(key: string, runAt: number): Promise<string | undefined> {
      const rows = await db
        .update(jobs)
        .set({ runAt: sql`min(${jobs.runAt}, ${runAt})`, rerun: true })
        .where(eq(jobs.key, key))
        .returning({ id: jobs.id });
      return rows[0]?.id;
    },

    async removeByKey(key: string): Promise<void> {
      await db.delete(jobs).where(eq(jobs.key, key));
    },

    async getByKey(key: string): Promise<JobRow | undefined> {
      const rows = await db.select().from(jobs).where(eq(jobs.key, key));
      return rows[0];
    },

    /**
     * Leases up to `limit` due jobs to `owner` until `now + leaseMs`, in one UPDATE so two
     * runners never lease the same job; a job whose lease expired (its runner crashed) is due again.
     */
    async leaseDue(owner: string, now: number, leaseMs: number, limit: number): Promise<JobRow[]> {
      const due = db
        .select({ id: jobs.id })
        .from(jobs)
        .where(and(lte(jobs.runAt, now), or(isNull(jobs.leaseUntil), lte(jobs.leaseUntil, now))))
        .orderBy(asc(jobs.runAt))
        .limit(limit);
      return db
        .update(jobs)
        .set({ leaseOwner: owner, leaseUntil: now + leaseMs, attempts: sql`${jobs.attempts} + 1`, rerun: false })
        .where(and(inArray(jobs.id, due), or(isNull(jobs.leaseUntil), lte(jobs.leaseUntil, now))))
        .returning();
    },

    /** Ids of jobs due at `now` and not leased: what a cron tick hands to the queue. */
    async listDue(now: number, limit: number): Promise<string[]> {
      const rows = await db
        .select({ id: jobs.id })
        .from(jobs)
        .where(and(lte(jobs.runAt, now), or(isNull(jobs.leaseUntil), lte(jobs.leaseUntil, now))))
        .orderBy(asc(jobs.runAt))
        .limit(limit);
      return rows.map((r) => r.id);
    },

    /** Leases one job if it is still due and free; undefined when someone else has it or it is done. */
    async leaseOne(id: string, owner: string, now: number, leaseMs: number): Promise<JobRow | undefined> {
      const rows = await db
        .update(jobs)
        .set({ leaseOwner: owner, leaseUntil: now + leaseMs, attempts: sql`${jobs.attempts} + 1`, rerun: false })
        .where(and(eq(jobs.id, id), lte(jobs.runAt, now), or(isNull(jobs.leaseUntil), lte(jobs.leaseUntil, now))))
        .returning();
      return rows[0];
    },

    /**
     * Marks a leased run done: a repeating job is due again after its period, a one-off is gone;
     * either is due again at once when it was expedited during the run (see `expedite`).
     * Returns whether it was, so a queue-driven runner can hand it over again.
     */
    async complete(job: JobRow, owner: string, now: number): Promise<{ rerun: boolean }> {
      const mine = and(eq(jobs.id, job.id), eq(jobs.leaseOwner, owner));
      const again = { runAt: now, rerun: false, leaseOwner: null, leaseUntil: null, attempts: 0, lastError: null, lastRunAt: now };
      const rerun = await db.update(jobs).set(again).where(and(mine, eq(jobs.rerun, true))).returning({ id: jobs.id });
      if (rerun.length > 0) return { rerun: true };
      if (job.everyMs === null) {
        await db.delete(jobs).where(mine);
        return { rerun: false };
      }
      await db
        .update(jobs)
        .set({ runAt: now + job.everyMs, leaseOwner: null, leaseUntil: null, attempts: 0, lastError: null, lastRunAt: now })
        .where(mine);
      return { rerun: false };
    },

    /** Gives back every lease `owner` holds (graceful shutdown): others may run those jobs at once. */
    async releaseLeases(owner: string): Promise<void> {
      await db.update(jobs).set({ leaseOwner: null, leaseUntil: null }).where(eq(jobs.leaseOwner, owner));
    },

    async fail(job: JobRow, owner: string, now: number, error: string, retryAt: number): Promise<void> {
      await db
        .update(jobs)
        .set({ runAt: retryAt, leaseOwner: null, leaseUntil: null, lastError: error.slice(0, 500), lastRunAt: now })
        .where(and(eq(jobs.id, job.id), eq(jobs.leaseOwner, owner)));
    },
  };
}
export type JobRepository = ReturnType<typeof createJobRepository>;
