/**
 * The HTTP statuses an expected failure may declare (RFC 9110). Kept here as numbers so the
 * domain needs no web framework; the HTTP layer sends them as they are.
 */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 501 | 502 | 503;

/**
 * An expected failure with a stable machine-readable `code` (for example `audit.invalid_range`,
 * `ics.parse_error`) and the HTTP `status` it declared where it was defined. The HTTP layer
 * renders both as problem+json and the CLI prints the message; both rely on `code` never
 * changing meaning. Create one through an area's factory (`invitationErrors.expired('…')`),
 * so the code and its status are written once.
 */
export class UnmeetError extends Error {
  constructor(
    readonly code: string,
    readonly status: ErrorStatus,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'UnmeetError';
  }
}

export const isUnmeetError = (error: unknown): error is UnmeetError => error instanceof UnmeetError;

/** How one code is declared: its status, and when it is answered (one line for the docs). */
export interface ErrorSpec {
  status: ErrorStatus;
  when: string;
}

/** Makes the error for one code with a human sentence; `code`, `status` and `when` describe it. */
export interface ErrorFactory<Code extends string = string> {
  (message: string, details?: Record<string, unknown>): UnmeetError;
  readonly code: Code;
  readonly status: ErrorStatus;
  readonly when: string;
}

type CodeOf<Area extends string, Name extends string> = Area extends '' ? Name : `${Area}.${Name}`;

/** An area's factories, keyed by the last part of their code (`invalid_email` → `invitation.invalid_email`). */
export type ErrorArea<Area extends string, Names extends string> = { readonly [N in Names]: ErrorFactory<CodeOf<Area, N>> };

/**
 * Declares an area's codes with their statuses: `defineErrors('invitation', { expired: { status: 410,
 * when: '…' } })` gives `invitationErrors.expired('Human sentence.')`, an `UnmeetError` with code
 * `invitation.expired` and status 410. The area `''` declares codes without a prefix
 * (`rate_limited`, `internal`).
 */
export function defineErrors<Area extends string, Specs extends Record<string, ErrorSpec>>(
  area: Area,
  specs: Specs,
): ErrorArea<Area, keyof Specs & string> {
  const factories: Record<string, ErrorFactory> = {};
  for (const [name, { status, when }] of Object.entries(specs)) {
    const code = area === '' ? name : `${area}.${name}`;
    const make = (message: string, details?: Record<string, unknown>) => new UnmeetError(code, status, message, details);
    factories[name] = Object.assign(make, { code, status, when });
  }
  return factories as ErrorArea<Area, keyof Specs & string>;
}
