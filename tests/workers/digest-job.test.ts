import { createScheduledController, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker, { type Env, type JobMessage } from '../../src/entry/worker';

const digestJobs = async () =>
  (await env.DB.prepare("select id, run_at, every_ms from jobs where kind = 'digest.weekly'").all<{ id: string; run_at: number; every_ms: number }>()).results;

describe('the weekly digest job on Workers', () => {
  it('when the cron fires on a fresh D1, then the digest job is scheduled once, and later ticks leave it as it is', async () => {
    expect(await digestJobs()).toHaveLength(0);
    const sent: Array<{ body: JobMessage }> = [];
    const testEnv = { ...env, JOBS: { sendBatch: async (m: Iterable<{ body: JobMessage }>) => void sent.push(...m) } } as unknown as Env;

    await worker.scheduled(createScheduledController(), testEnv);
    const [job, ...others] = await digestJobs();
    expect(others).toHaveLength(0);
    expect(job).toMatchObject({ every_ms: 30 * 60_000 });
    // Its first run is one period on: this tick hands the queue nothing for it.
    expect(sent.map((m) => m.body.jobId)).not.toContain(job!.id);

    await worker.scheduled(createScheduledController(), testEnv);
    await worker.scheduled(createScheduledController(), testEnv);
    expect(await digestJobs()).toEqual([job]);
  });
});
