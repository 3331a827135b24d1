import { isUnmeetError } from '../domain/errors';
import type { JobRow } from '../db/jobs.repository';
import type { Deps } from '../services/deps';
import { syncIcsConnection } from '../services/sync';

/** What one job kind does. Handlers get the job's workspace and payload, and "now". */
export type JobHandler = (deps: Deps, job: JobRow, now: number) => Promise<void>;

export const jobHandlers: Record<string, JobHandler> = {
  /** Re-fetches an ICS subscription; a connection deleted meanwhile simply ends the job. */
  'ics.refresh': async (deps, job) => {
    const connectionId = String(job.payload.connectionId);
    if (!job.workspaceId || !(await deps.repos.connections.get(job.workspaceId, connectionId))) {
      await deps.repos.jobs.removeByKey(job.key);
      return;
    }
    await syncIcsConnection(deps, job.workspaceId, connectionId);
  },
};

export interface RunResult {
  ran: number;
  failed: number;
}

/** Retry delay after `attempts` failures: 1, 2, 4, ... minutes, capped at the job's period or 6 h. */
export const retryDelayMs = (attempts: number, everyMs: number | null): number =>
  Math.min(60_000 * 2 ** Math.max(0, attempts - 1), everyMs ?? 6 * 3_600_000);

/**
 * Leases and runs the jobs that are due at `now`. Leases make it safe to run several runners
 * (two server processes, overlapping timer ticks): a job is run by one of them, and a run that
 * crashed is picked up again once its lease expires.
 */
export async function runDueJobs(
  deps: Deps,
  now: number,
  options: { owner: string; leaseMs?: number; limit?: number; handlers?: Record<string, JobHandler> },
): Promise<RunResult> {
  const handlers = options.handlers ?? jobHandlers;
  const leased = await deps.repos.jobs.leaseDue(options.owner, now, options.leaseMs ?? 5 * 60_000, options.limit ?? 20);
  const result: RunResult = { ran: 0, failed: 0 };
  for (const job of leased) {
    try {
      const handler = handlers[job.kind];
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(deps, job, now);
      await deps.repos.jobs.complete(job, options.owner, deps.clock());
      result.ran++;
    } catch (error) {
      result.failed++;
      const message = isUnmeetError(error) ? error.code : error instanceof Error ? error.message : String(error);
      deps.logger.warn('job failed', { job: job.kind, jobId: job.id, attempts: job.attempts, error: message });
      await deps.repos.jobs.fail(job, options.owner, deps.clock(), message, now + retryDelayMs(job.attempts, job.everyMs));
    }
  }
  return result;
}
