/**
 * The Node side of the ICS parse pool: each pool thread is a worker_thread with a capped heap, so
 * a feed that would exhaust memory kills its own thread (the import fails with `ics.too_complex`
 * and the pool starts a new thread) instead of the server.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger';
import { createParsePool, type ParsePoolOptions, type ParseReply, type SpawnParseThread } from '../services/ics-parse-pool';

export interface IcsParseWorkerOptions extends Omit<ParsePoolOptions, 'now' | 'stores'> {
  /** Heap of each thread, MiB (V8's old generation): past it the thread dies, not the server. */
  maxHeapMb: number;
  /**
   * The database file: the threads store what they read through their own connection, so a
   * feed's rows never cross to (or hold) the request thread. Absent or `:memory:` (a private
   * database no other connection sees): the import stores on the request thread.
   */
  dbPath?: string;
}

/** Defaults beside the settings: a minute per feed, 512 MiB of heap per thread. */
export const ICS_PARSE_DEFAULTS = { timeoutMs: 60_000, maxHeapMb: 256 };

export function createIcsParseWorkers(logger: Logger, options: IcsParseWorkerOptions) {
  const stores = options.dbPath !== undefined && options.dbPath !== ':memory:' && options.dbPath !== '';
  const spawn: SpawnParseThread = ({ reply, died }) => {
    const worker = new Worker(new URL('./ics-parse-bootstrap.mjs', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb },
      workerData: { dbPath: stores ? options.dbPath : undefined },
    });
    worker.unref(); // an idle thread never keeps the process alive
    let dead = false;
    const die = (reason: string) => {
      if (dead) return;
      dead = true;
      logger.warn('ICS parse thread stopped', { reason });
      died(reason);
    };
    worker.on('message', (m: ParseReply) => {
      worker.unref();
      reply(m);
    });
    worker.on('error', (error) => die((error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'the calendar needed more memory than allowed' : 'the parser failed'));
    worker.on('exit', (code) => die(`the parser exited (${code})`));
    return {
      run(job) {
        worker.ref(); // a pending parse keeps the process alive (the CLI waits for it)
        // An upload's bytes move to the thread rather than being copied (a view of part of a buffer is copied).
        const whole = job.text instanceof Uint8Array && job.text.byteOffset === 0 && job.text.byteLength === job.text.buffer.byteLength;
        worker.postMessage(job, whole ? [(job.text as Uint8Array).buffer as ArrayBuffer] : []);
      },
      terminate() {
        dead = true;
        void worker.terminate();
      },
    };
  };
  return createParsePool(spawn, { ...options, stores });
}
