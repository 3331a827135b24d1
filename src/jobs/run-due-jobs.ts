import { isUnmeetError } from '../domain/errors';
import { isProviderError } from '../providers/calendar-provider';
import type { JobRow } from '../db/jobs.repository';
import type { Deps } from '../services/deps';
import { reconcileFocusAfterSync } from '../services/focus';
import { renewChannel } from '../services/oauth-connections';
import { syncProviderCalendar } from '../services/provider-sync';
import { syncIcsConnection } from '../services/sync';
import { OUTBOX_JOB_KIND, runOutboxJob } from '../services/suggestions';
import { BOUNCE_JOB_KIND, checkForBounce } from '../services/outbox-bounces';
import { DIGEST_JOB_KIND, runDigests } from '../services/digest';

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
    try {
      await syncIcsConnection(deps, job.workspaceId, connectionId);
    } catch (error) {
      if (!isUnmeetError(error) || error.code !== 'connection.not_found') throw error;
      await deps.repos.jobs.removeByKey(job.key);
    }
  },
  /** Brings a Google/Outlook calendar up to date, then its owner's focus blocks; a connection deleted meanwhile ends the job. */
  'calendar.sync': async (deps, job) => {
    const { connectionId, calendarId } = job.payload as { connectionId: string; calendarId: string };
    if (!job.workspaceId || !(await deps.repos.connections.get(job.workspaceId, connectionId))) {
      await deps.repos.jobs.removeByKey(job.key);
      return;
    }
    const outcome = await syncProviderCalendar(deps, job.workspaceId, connectionId, calendarId);
    if (outcome.stopped) {
      await deps.repos.jobs.removeByKey(job.key);
      return;
    }
    // A meeting may now overlap a focus block, or the member moved or deleted one: defend them.
    await reconcileFocusAfterSync(deps, job.workspaceId, connectionId);
  },
  /** Renews a push channel (Google channel, Graph subscription) before it expires. */
  'calendar.watch': async (deps, job) => {
    const { connectionId, calendarId } = job.payload as { connectionId: string; calendarId: string };
    if (job.workspaceId) await renewChannel(deps, job.workspaceId, connectionId, calendarId);
  },
  /** Sends the workspace's due outbox messages, at most once each (see services/suggestions.ts). */
  [OUTBOX_JOB_KIND]: async (deps, job, now) => {
    if (!job.workspaceId) return;
    await runOutboxJob(deps, job.workspaceId, typeof job.payload.messageId === 'string' ? job.payload.messageId : undefined, now);
  },
  /** Looks again for a non-delivery report about a message sent through Outlook (see services/outbox-bounces.ts). */
  [BOUNCE_JOB_KIND]: async (deps, job, now) => {
    const { messageId, check } = job.payload as { messageId?: unknown; check?: unknown };
    if (!job.workspaceId || typeof messageId !== 'string' || typeof check !== 'number') return;
    await checkForBounce(deps, job.workspaceId, messageId, check, now);
  },
  /** Queues the weekly digests whose week has started for their subscribers, once each (see services/digest.ts). */
  [DIGEST_JOB_KIND]: async (deps, _job, now) => {
    await runDigests(deps, now);
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
 * When a failed run is tried again: at the vendor's Retry-After when it asked us to wait (a
 * wait too long to sleep through inside the lease), else after the usual backoff.
 */
export function retryAt(error: unknown, job: Pick<JobRow, 'attempts' | 'everyMs'>, now: number, failedAt: number): number {
  if (isProviderError(error) && error.kind === 'rate_limited' && error.retryAfterMs !== undefined) return failedAt + error.retryAfterMs;
  return now + retryDelayMs(job.attempts, job.everyMs);
}

export interface RunOptions {
  owner: string;
  leaseMs?: number;
  handlers?: Record<string, JobHandler>;
}

export const DEFAULT_LEASE_MS = 5 * 60_000;

/** Runs one job the caller has leased, then records success (next run) or failure (backoff). */
export async function runLeasedJob(deps: Deps, job: JobRow, now: number, options: RunOptions): Promise<boolean> {
  const handlers = options.handlers ?? jobHandlers;
  try {
    const handler = handlers[job.kind];
    if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
    await handler(deps, job, now);
    const { rerun } = await deps.repos.jobs.complete(job, options.owner, deps.clock());
    // A change announced during the run (a push): due again now; on Workers the queue runs it.
    if (rerun && deps.enqueueJob) await deps.enqueueJob(job.id, 0);
    return true;
  } catch (error) {
    const message = isUnmeetError(error) ? error.code : error instanceof Error ? error.message : String(error);
    deps.logger.warn('job failed', { job: job.kind, jobId: job.id, attempts: job.attempts, error: message });
    const failedAt = deps.clock();
    await deps.repos.jobs.fail(job, options.owner, failedAt, message, retryAt(error, job, now, failedAt));
    return false;
  } finally {
    // A job writes (a sync bumps the data version), even one that fails part way: the next report here reads afresh.
    deps.readCache?.clear();
  }
}

/**
 * Leases and runs the jobs that are due at `now`. Leases make it safe to run several runners
 * (two server processes, overlapping timer ticks): a job is run by one of them, and a run that
 * crashed is picked up again once its lease expires.
 */
export async function runDueJobs(deps: Deps, now: number, options: RunOptions & { limit?: number }): Promise<RunResult> {
  const leased = await deps.repos.jobs.leaseDue(options.owner, now, options.leaseMs ?? DEFAULT_LEASE_MS, options.limit ?? 20);
  const result: RunResult = { ran: 0, failed: 0 };
  for (const job of leased) {
    if (await runLeasedJob(deps, job, now, options)) result.ran++;
    else result.failed++;
  }
  return result;
}

/**
 * Runs one job by id if it is still due and nobody holds it: what a queue consumer does with a
 * message. Duplicate messages are harmless, the lease lets only one through.
 */
export async function runJobById(deps: Deps, jobId: string, now: number, options: RunOptions): Promise<'ran' | 'failed' | 'skipped'> {
  const job = await deps.repos.jobs.leaseOne(jobId, options.owner, now, options.leaseMs ?? DEFAULT_LEASE_MS);
  if (!job) return 'skipped';
  return (await runLeasedJob(deps, job, now, options)) ? 'ran' : 'failed';
}
