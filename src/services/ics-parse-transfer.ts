/**
 * The shape a parse result crosses a thread boundary in. A recurring series' instances share
 * everything but their times and id, so the parse thread sends each distinct rest once (a
 * "shape"), the times as one Float64Array and the shape of each event as one Uint32Array (both
 * transferred, not copied), and an id only where it is not the usual `UID::<original start>`.
 * Up to 100,000 instances of a file then cost the request thread a few typed arrays and the
 * distinct shapes instead of 100,000 cloned objects with their attendee lists.
 */
import type { CalendarEvent } from '../domain/types';
import type { ParsedIcs } from '../providers/ics/ics.mapper';

type Shape = Omit<CalendarEvent, 'externalId' | 'start' | 'end' | 'originalStart'>;

export interface CompactParsedIcs {
  name: string | null;
  timeZone: string | null;
  warnings: ParsedIcs['warnings'];
  warningCounts: ParsedIcs['warningCounts'];
  shapes: Shape[];
  /** Per event: start, end, original start (NaN for none). */
  times: Float64Array;
  /** Per event: its index in `shapes`. */
  shapeOf: Uint32Array;
  /** Per event: its external id, or null when it is `seriesKey::originalStart`. */
  ids: Array<string | null>;
}

const derivedId = (e: Pick<CalendarEvent, 'seriesKey' | 'originalStart'>) =>
  e.seriesKey !== null && e.originalStart !== null ? `${e.seriesKey}::${e.originalStart}` : null;

/** Packs a parse result for `postMessage`; pass `transferables(packed)` as the transfer list. */
export function packParsed(parsed: ParsedIcs): CompactParsedIcs {
  const n = parsed.events.length;
  const times = new Float64Array(n * 3);
  const shapeOf = new Uint32Array(n);
  const ids = new Array<string | null>(n);
  const shapes: Shape[] = [];
  const shapeIndex = new Map<string, number>();
  parsed.events.forEach((event, i) => {
    const { externalId, start, end, originalStart, ...shape } = event;
    const key = JSON.stringify(shape);
    let index = shapeIndex.get(key);
    if (index === undefined) {
      index = shapes.push(shape) - 1;
      shapeIndex.set(key, index);
    }
    shapeOf[i] = index;
    times[i * 3] = start;
    times[i * 3 + 1] = end;
    times[i * 3 + 2] = originalStart ?? Number.NaN;
    ids[i] = derivedId(event) === externalId ? null : externalId;
  });
  return { name: parsed.name, timeZone: parsed.timeZone, warnings: parsed.warnings, warningCounts: parsed.warningCounts, shapes, times, shapeOf, ids };
}

export const transferables = (packed: CompactParsedIcs): ArrayBuffer[] => [packed.times.buffer as ArrayBuffer, packed.shapeOf.buffer as ArrayBuffer];

/** The parse result again, events in the same order; instances of one shape share its attendee list. */
export function unpackParsed(packed: CompactParsedIcs): ParsedIcs {
  const events: CalendarEvent[] = new Array<CalendarEvent>(packed.shapeOf.length);
  for (let i = 0; i < events.length; i++) {
    const shape = packed.shapes[packed.shapeOf[i]!]!;
    const original = packed.times[i * 3 + 2]!;
    const originalStart = Number.isNaN(original) ? null : original;
    const externalId = packed.ids[i] ?? (derivedId({ seriesKey: shape.seriesKey, originalStart }) as string);
    events[i] = { ...shape, externalId, start: packed.times[i * 3]!, end: packed.times[i * 3 + 1]!, originalStart };
  }
  return { name: packed.name, timeZone: packed.timeZone, events, warnings: packed.warnings, warningCounts: packed.warningCounts };
}
