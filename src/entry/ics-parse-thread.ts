/**
 * Inside an ICS parse thread: parses each feed it is sent with `parseIcs` and answers the packed
 * result (see services/ics-parse-transfer.ts), its typed arrays transferred rather than copied.
 * A malformed feed answers its UnmeetError's fields, so the import fails as it would in-line.
 */
import { parentPort } from 'node:worker_threads';
import { isUnmeetError } from '../domain/errors';
import { parseIcs } from '../providers/ics/ics.mapper';
import { decodeFeed, feedHash, type ParseJob, type ParseReply } from '../services/ics-parse-pool';
import { packParsed, transferables } from '../services/ics-parse-transfer';

const port = parentPort;
if (!port) throw new Error('ics-parse-thread runs only as a worker thread');

port.on('message', (job: ParseJob) => {
  let reply: ParseReply;
  try {
    // Hashed here, not on the request thread.
    const hash = feedHash(job.text, job.options);
    if (hash === job.unlessHash) {
      port.postMessage({ id: job.id, hash, result: null } satisfies ParseReply);
      return;
    }
    const packed = packParsed(parseIcs(decodeFeed(job.text), job.window, job.options));
    port.postMessage({ id: job.id, hash, result: packed } satisfies ParseReply, transferables(packed));
    return;
  } catch (error) {
    reply = isUnmeetError(error)
      ? { id: job.id, error: { message: error.message, code: error.code, status: error.status, details: error.details } }
      : { id: job.id, error: { message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) } };
  }
  port.postMessage(reply);
});
