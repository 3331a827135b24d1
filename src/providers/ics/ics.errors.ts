/**
 * The ICS reader's two errors, shared by its modules so every message names its line the same
 * way, and the shape of the callback through which its modules report what they worked around.
 */
import { UnmeetError } from '../../domain/errors';
import { icsErrors } from '../../domain/error-codes/ics';
import type { IcsWarningCode } from '../../domain/ics-warnings';

export function parseError(line: number, message: string): UnmeetError {
  return icsErrors.parse_error(`Invalid iCalendar data at line ${line}: ${message}`, { line });
}

export function unknownZone(line: number, tzid: string): UnmeetError {
  return icsErrors.unknown_time_zone(`Unknown time zone "${tzid}" at line ${line}`, { line, tzid });
}

/** Records one problem the reader worked around (see src/domain/ics-warnings.ts for the codes). */
export type Warn = (code: IcsWarningCode, line: number, uid: string | null, detail: string) => void;
