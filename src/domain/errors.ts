/**
 * An expected failure with a stable machine-readable `code` (for example `audit.invalid_range`,
 * `ics.parse_error`). The HTTP layer maps codes to problem+json answers and the CLI prints the
 * message; both rely on `code` never changing meaning.
 */
export class UnmeetError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'UnmeetError';
  }
}

export const isUnmeetError = (error: unknown): error is UnmeetError => error instanceof UnmeetError;
