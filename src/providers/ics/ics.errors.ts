/** The ICS reader's two errors, shared by its modules so every message names its line the same way. */
import { UnmeetError } from '../../domain/errors';
import { icsErrors } from '../../domain/error-codes/ics';

export function parseError(line: number, message: string): UnmeetError {
  return icsErrors.parse_error(`Invalid iCalendar data at line ${line}: ${message}`, { line });
}

export function unknownZone(line: number, tzid: string): UnmeetError {
  return icsErrors.unknown_time_zone(`Unknown time zone "${tzid}" at line ${line}`, { line, tzid });
}
