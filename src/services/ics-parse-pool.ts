/**
 * Where ICS parsing and expansion run. `FeedParser` is the one call shape the import code uses:
 * `admit()` takes an import slot (or refuses with `ics.busy`, 429 with Retry-After), `parse()`
 * reads a feed. On Workers and in tests it is `inlineFeedParser` (an import stays in its request,
 * bounded by the parser's instance budget); on Node it is `createParsePool`, a few threads that
 * each parse one feed at a time, so the request thread stays free to answer `/healthz` while a
 * hostile feed is read. The pool knows threads only through `SpawnParseThread`, which the Node
 * entry implements with worker_threads (src/entry/ics-parse-worker.ts): this file runs anywhere.
 */
import { icsErrors } from '../domain/error-codes/ics';
import { allErrorCodes } from '../domain/error-codes';
import { parseIcs, type IcsWindow, type ParseIcsOptions, type ParsedIcs } from '../providers/ics/ics.mapper';
import type { FeedWrite, StoredFeed } from './feed-write';
import { unpackParsed, type CompactParsedIcs } from './ics-parse-transfer';

/**
 * A read feed: the SHA-256 (hex) of what its events depend on besides the window — the zone
 * floating times are read in, a newline, the text — and the parse result, or null when that
 * hash was `unlessHash` (the feed is as last stored, and was not parsed).
 */
export interface ReadFeed {
  hash: string;
  parsed: ParsedIcs | null;
}

/**
 * A feed as text, or as the UTF-8 bytes an upload arrived in: bytes cross to a parse thread
 * without a copy (their buffer is transferred) and are decoded only there, so ten 10 MiB uploads
 * never exist on the request thread as strings too.
 */
export type FeedText = string | Uint8Array;

/** A feed read and stored where it was read: `stored` is null when its hash was `unlessHash` (nothing parsed, nothing written). */
export interface StoredRead {
  hash: string;
  stored: StoredFeed | null;
}

export interface FeedParser {
  /** Takes an import slot for the whole import (fetch, parse, store); call the returned function once when done. */
  admit(): () => void;
  parse(text: FeedText, window: IcsWindow, options: ParseIcsOptions, unlessHash?: string | null): Promise<ReadFeed>;
  /**
   * Present when the parser reaches the database itself (Node's threads with a database file):
   * reads the feed and stores it as `write` says, where it was read, so the parsed rows never
   * come back. Without it the import stores on its own thread (services/sync.ts).
   */
  parseAndStore?(text: FeedText, window: IcsWindow, options: ParseIcsOptions, unlessHash: string | null, write: FeedWrite): Promise<StoredRead>;
}

/** What precedes the feed in the hashed input: the zone floating times are read in, and a newline. */
export const hashPrefix = (options: ParseIcsOptions) => `${options.defaultTimeZone ?? ''}\n`;

export const decodeFeed = (text: FeedText): string => (typeof text === 'string' ? text : new TextDecoder().decode(text));

/** The feed's hash (see `ReadFeed`) through WebCrypto, which every runtime has; the parse threads use node:crypto, to the same value. */
async function sha256Hex(text: FeedText, options: ParseIcsOptions): Promise<string> {
  const prefix = new TextEncoder().encode(hashPrefix(options));
  const body = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const input = new Uint8Array(prefix.length + body.length);
  input.set(prefix);
  input.set(body, prefix.length);
  const digest = await crypto.subtle.digest('SHA-256', input);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A feed's hash (see `ReadFeed`), as a runtime computes it. */
export type FeedHasher = (text: FeedText, options: ParseIcsOptions) => string | Promise<string>;

/** Parses in the caller's own request: no slots, no threads. `hash`: WebCrypto's unless given. */
export function createInlineFeedParser(hash: FeedHasher = sha256Hex): FeedParser {
  return {
    admit: () => () => undefined,
    parse: async (text, window, options, unlessHash) => {
      const hashing = hash(text, options);
      if (unlessHash) {
        const read = await hashing;
        return { hash: read, parsed: read === unlessHash ? null : parseIcs(decodeFeed(text), window, options) };
      }
      // Nothing to compare with: an asynchronous digest (on another thread, on Node) runs while the
      // feed is read, rather than the import waiting for it first.
      const parsed = parseIcs(decodeFeed(text), window, options);
      return { hash: await hashing, parsed };
    },
  };
}

/** The in-line parser of Workers and tests. */
export const inlineFeedParser = createInlineFeedParser();

export interface ParseJob {
  id: number;
  text: FeedText;
  window: IcsWindow;
  options: ParseIcsOptions;
  unlessHash: string | null;
  /** Store what was read, in the thread (only sent to threads that reach the database). */
  write: FeedWrite | null;
}

/** What a thread read: the packed result, or (for a job with a write) what it stored. */
type ParseDone = { id: number; hash: string; result: CompactParsedIcs | null } | { id: number; hash: string; stored: StoredFeed | null };

/** A thread's answer: what it read, or the error it raised (an UnmeetError's fields when it was one). */
export type ParseReply =
  | ParseDone
  | { id: number; error: { message: string; code?: string; status?: number; details?: Record<string, unknown> } };

export interface ParseThread {
  run(job: ParseJob): void;
  terminate(): void;
}

/** Starts a thread; it calls `reply` for each job it finishes and `died` once if it stops (crash, out of memory, exit). */
export type SpawnParseThread = (events: { reply: (reply: ParseReply) => void; died: (reason: string) => void }) => ParseThread;

export interface ParsePoolOptions {
  /** Feeds parsed at once, one per thread. */
  threads: number;
  /** Admitted imports beyond the running ones; past threads + queue, `ics.busy`. */
  queue: number;
  /** A parse running longer is stopped (its thread replaced) and the import fails with `ics.too_complex`. */
  timeoutMs: number;
  /** The threads reach the database: imports store there (`parseAndStore`). */
  stores?: boolean;
  now?: () => number;
}

/** What Retry-After assumes a parse takes before any has finished, ms. */
const ASSUMED_PARSE_MS = 2_000;

interface Waiting {
  job: ParseJob;
  resolve: (done: ParseDone) => void;
  reject: (error: Error) => void;
}

interface Slot {
  thread: ParseThread;
  job: (Waiting & { timer: ReturnType<typeof setTimeout>; startedAt: number }) | null;
}

/**
 * The Node pool. One closure over its state (the slots, the waiting imports, recent parse times
 * for Retry-After): its few steps (admit, dispatch, settle, replace a dead thread) share that
 * state, which is why it runs past the usual 80 lines.
 */
export function createParsePool(spawn: SpawnParseThread, options: ParsePoolOptions) {
  const now = options.now ?? Date.now;
  const capacity = options.threads + options.queue;
  const slots: Slot[] = [];
  const waiting: Waiting[] = [];
  let nextId = 1;
  let averageMs = ASSUMED_PARSE_MS;
  let closed = false;

  const settle = (slot: Slot) => {
    const current = slot.job;
    slot.job = null;
    if (current) clearTimeout(current.timer);
    return current;
  };

  // A thread that dies or overruns is dropped, its job failed; the next job starts a fresh one.
  const drop = (slot: Slot, error: Error) => {
    const index = slots.indexOf(slot);
    if (index >= 0) slots.splice(index, 1);
    settle(slot)?.reject(error);
    dispatch();
  };

  const startThread = (): Slot => {
    const slot: Slot = { thread: undefined as unknown as ParseThread, job: null };
    slot.thread = spawn({
      reply: (reply) => {
        if (slot.job?.job.id !== reply.id) return;
        const current = settle(slot)!;
        averageMs = 0.8 * averageMs + 0.2 * Math.max(1, now() - current.startedAt);
        if ('error' in reply) current.reject(reviveError(reply.error));
        else current.resolve(reply);
        dispatch();
      },
      died: (reason) => drop(slot, icsErrors.too_complex(`Reading the calendar stopped: ${reason}. Nothing was changed.`, { reason: 'crash' })),
    });
    slots.push(slot);
    return slot;
  };

  function dispatch() {
    while (!closed && waiting.length > 0) {
      const slot = slots.find((s) => s.job === null) ?? (slots.length < options.threads ? startThread() : null);
      if (!slot) return;
      const next = waiting.shift()!;
      const timer = setTimeout(() => {
        slot.thread.terminate();
        drop(slot, icsErrors.too_complex(`Reading the calendar took longer than ${options.timeoutMs} ms and was stopped. Nothing was changed.`, { reason: 'timeout', timeoutMs: options.timeoutMs }));
      }, options.timeoutMs);
      slot.job = { ...next, timer, startedAt: now() };
      slot.thread.run(next.job);
    }
  }

  const retryAfterSeconds = () => Math.max(1, Math.ceil(((waiting.length + options.threads) / options.threads) * (averageMs / 1000)));

  const slotsTaken = importSlots(capacity, retryAfterSeconds);
  const run = (text: FeedText, window: IcsWindow, parseOptions: ParseIcsOptions, unlessHash: string | null, write: FeedWrite | null) => {
    if (closed) return Promise.reject(new Error('the ICS parse pool is closed'));
    return new Promise<ParseDone>((resolve, reject) => {
      waiting.push({ job: { id: nextId++, text, window, options: parseOptions, unlessHash, write }, resolve, reject });
      dispatch();
    });
  };
  const parser: FeedParser = {
    admit: slotsTaken.admit,
    async parse(text, window, parseOptions, unlessHash) {
      const done = await run(text, window, parseOptions, unlessHash ?? null, null);
      return { hash: done.hash, parsed: 'result' in done && done.result ? unpackParsed(done.result) : null };
    },
    ...(options.stores && {
      async parseAndStore(text: FeedText, window: IcsWindow, parseOptions: ParseIcsOptions, unlessHash: string | null, write: FeedWrite) {
        const done = await run(text, window, parseOptions, unlessHash, write);
        return { hash: done.hash, stored: 'stored' in done ? done.stored : null };
      },
    }),
  };

  return {
    parser,
    /** Imports holding a slot, and threads alive (for tests and the benchmark). */
    stats: () => ({ admitted: slotsTaken.taken(), threads: slots.length, waiting: waiting.length }),
    close() {
      closed = true;
      for (const slot of slots.splice(0)) {
        slot.thread.terminate();
        settle(slot)?.reject(new Error('the ICS parse pool was closed'));
      }
      for (const next of waiting.splice(0)) next.reject(new Error('the ICS parse pool was closed'));
    },
  };
}

/** `capacity` import slots: `admit` takes one or refuses with `ics.busy` (429, Retry-After); its release gives it back once. */
function importSlots(capacity: number, retryAfterSeconds: () => number) {
  let taken = 0;
  return {
    taken: () => taken,
    admit(): () => void {
      if (taken >= capacity) {
        const seconds = retryAfterSeconds();
        throw icsErrors.busy(`Every calendar-import slot is taken (${capacity}); try again in ${seconds} s.`, { retryAfterSeconds: seconds, capacity });
      }
      taken += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        taken -= 1;
      };
    },
  };
}

/** An error from the thread, as the import code expects it: a declared code is made again by its own factory. */
function reviveError(error: { message: string; code?: string; status?: number; details?: Record<string, unknown> }): Error {
  const factory = error.code ? allErrorCodes().find((f) => f.code === error.code) : undefined;
  return factory ? factory(error.message, error.details) : new Error(error.message);
}
