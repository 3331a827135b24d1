/**
 * Inside an ICS parse thread: parses each feed it is sent with `parseIcs`. A job with a write
 * (the thread was given the database file) is stored here, through the thread's own SQLite
 * connection, and answered with what was stored; any other job is answered with the packed
 * result (see services/ics-parse-transfer.ts), its typed arrays transferred rather than copied.
 * A malformed feed, or a write that fails, answers its UnmeetError's fields, so the import fails
 * as it would in-line.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createConnectionRepository } from '../db/connections.repository';
import { createEventRepository } from '../db/events.repository';
import { openSqliteConnection } from '../db/sqlite';
import { isUnmeetError } from '../domain/errors';
import { parseIcs } from '../providers/ics/ics.mapper';
import { writeFeed } from '../services/feed-write';
import { decodeFeed, type ParseJob, type ParseReply } from '../services/ics-parse-pool';
import { nodeFeedHash } from './ics-parse-hash';
import { packParsed, transferables } from '../services/ics-parse-transfer';

const port = parentPort;
if (!port) throw new Error('ics-parse-thread runs only as a worker thread');
const dbPath = (workerData as { dbPath?: string } | null)?.dbPath;

/** The thread's repositories, over its own connection (opened on the first write). */
let repos: { connections: ReturnType<typeof createConnectionRepository>; events: ReturnType<typeof createEventRepository> } | null = null;
const reposHere = () => {
  if (!dbPath) throw new Error('this parse thread was not given the database');
  if (!repos) {
    const { db } = openSqliteConnection(dbPath);
    repos = { connections: createConnectionRepository({ db }), events: createEventRepository({ db }) };
  }
  return repos;
};

async function answer(job: ParseJob): Promise<void> {
  // Hashed here, not on the request thread.
  const hash = nodeFeedHash(job.text, job.options);
  const unchanged = hash === job.unlessHash;
  if (job.write) {
    const stored = unchanged ? null : await writeFeed(reposHere(), job.write, parseIcs(decodeFeed(job.text), job.window, job.options), hash);
    port!.postMessage({ id: job.id, hash, stored } satisfies ParseReply);
    return;
  }
  const packed = unchanged ? null : packParsed(parseIcs(decodeFeed(job.text), job.window, job.options));
  port!.postMessage({ id: job.id, hash, result: packed } satisfies ParseReply, packed ? transferables(packed) : []);
}

port.on('message', (job: ParseJob) => {
  answer(job).catch((error: unknown) => {
    const reply: ParseReply = isUnmeetError(error)
      ? { id: job.id, error: { message: error.message, code: error.code, status: error.status, details: error.details } }
      : { id: job.id, error: { message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) } };
    port.postMessage(reply);
  });
});
