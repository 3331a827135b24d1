import { z } from '@hono/zod-openapi';
import { email, workingHoursInput } from '../schemas';

/** Edge validation of a rotation request: the body of `POST /v1/rotations` and the CLI's rotation.json. */

const localTime = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'expected HH:MM');
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const rotationParticipantInput = z
  .object({
    email,
    name: z.string().trim().max(200).optional(),
    timeZone: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ example: 'Asia/Tokyo', description: "IANA zone; default: the workspace member's zone (required in the CLI)" }),
    workingHours: workingHoursInput.optional(),
    optIn: z
      .object({
        earliest: localTime.optional().openapi({ example: '06:00', description: 'earliest local start accepted (default 08:00)' }),
        latest: localTime.optional().openapi({ example: '23:00', description: 'latest local end accepted (default 23:00)' }),
        nonWorkingDays: z.boolean().optional().openapi({ description: 'meetings on non-working days are acceptable (still heavy)' }),
      })
      .optional(),
    history: z
      .number()
      .min(0)
      .max(10_000_000)
      .optional()
      .openapi({ description: "burden carried over, points; default: the workspace ledger (API) or 0 (CLI)" }),
    historyNights: z
      .number()
      .int()
      .min(0)
      .max(100_000)
      .optional()
      .openapi({ description: 'night occurrences carried over; default: the workspace ledger (API) or 0 (CLI)' }),
    optional: z.boolean().optional().openapi({ description: 'optional attendee: busy time costs instead of forbidding' }),
    busy: z
      .array(z.object({ start: z.iso.datetime({ offset: true }), end: z.iso.datetime({ offset: true }) }))
      .max(5000)
      .optional()
      .openapi({ description: 'extra busy time (ISO instants); connected calendars are added by the API' }),
  })
  .openapi('RotationParticipant');

export const rotationInput = z
  .object({
    title: z.string().trim().min(1).max(200),
    durationMinutes: z.number().int().min(5).max(480),
    cadence: z
      .object({ every: z.number().int().min(1).max(52).default(1), unit: z.enum(['day', 'week']).default('week') })
      .default({ every: 1, unit: 'week' }),
    occurrences: z.number().int().min(1).max(104),
    startDate: localDate.openapi({ example: '2027-01-04', description: 'local date of the first occurrence in `timeZone`' }),
    gridMinutes: z.union([z.literal(15), z.literal(30), z.literal(60)]).default(30),
    timeZone: z.string().min(1).max(64).optional().openapi({ description: 'zone naming the slots and dating the occurrences; default UTC' }),
    allowedUtcWindows: z
      .array(z.object({ start: localTime, end: localTime }))
      .max(12)
      .optional()
      .openapi({ description: 'UTC time-of-day windows the meeting must fit in' }),
    historyHalfLifeDays: z
      .number()
      .positive()
      .max(3650)
      .optional()
      .openapi({ description: 'API: the ledger burden halves every this many days (default: no decay)' }),
    participants: z.array(rotationParticipantInput).min(1).max(200),
  })
  .openapi('RotationInput', {
    example: {
      title: 'Platform sync',
      durationMinutes: 60,
      cadence: { every: 1, unit: 'week' },
      occurrences: 12,
      startDate: '2027-01-04',
      gridMinutes: 30,
      participants: [
        { email: 'ana@example.com', timeZone: 'America/Los_Angeles' },
        { email: 'ben@example.com', timeZone: 'Europe/London' },
        { email: 'aiko@example.com', timeZone: 'Asia/Tokyo', optIn: { earliest: '07:00' } },
      ],
    },
  });
export type RotationRequest = z.infer<typeof rotationInput>;
