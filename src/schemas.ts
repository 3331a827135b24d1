import { z } from '@hono/zod-openapi';
import { WEEKDAYS } from './domain/types';

/** Edge validation shared by the HTTP API and the CLI's team file. */

const localTime = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'expected HH:MM');

export const workingHoursInput = z
  .union([
    z.object({
      days: z.array(z.enum(WEEKDAYS)).min(0).max(7),
      start: localTime,
      end: localTime,
    }),
    z.partialRecord(z.enum(WEEKDAYS), z.array(z.tuple([localTime, localTime])).max(8)),
  ])
  .openapi('WorkingHours', {
    description:
      'Either `{ days, start, end }` or a per-weekday map `{ mon: [["09:00","12:00"],["13:00","17:00"]] }`. Default Monday–Friday 09:00–17:00.',
    example: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' },
  });

export const email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email().max(320));

export const memberInput = z
  .object({
    email,
    name: z.string().trim().min(1).max(200),
    timeZone: z.string().min(1).max(64).openapi({ example: 'Asia/Jakarta' }),
    locale: z.string().min(2).max(35).default('en'),
    workingHours: workingHoursInput.optional(),
  })
  .openapi('MemberInput');

export const workspaceSettingsInput = z.object({
  name: z.string().trim().min(1).max(200),
  hourlyRate: z.number().min(0).max(100_000).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'ISO 4217 code such as USD')
    .optional(),
  focusMinMinutes: z.number().int().min(15).max(480).optional(),
  minGroupSize: z
    .number()
    .int()
    .min(3)
    .max(1000)
    .optional()
    .openapi({ description: 'Team views break numbers down per group only for groups at least this large (default 5, never below 3)' }),
  mailTransport: z
    .enum(['outbox', 'smtp', 'gmail', 'microsoft'])
    .optional()
    .openapi({
      description:
        "How suggestion emails leave: smtp (the server's SMTP_URL; outbox only without one), outbox (kept, never sent), gmail / microsoft (through the organizer's own connected Google / Outlook account, which then asks for the send permission)",
    }),
});

export const apiKeyInput = z
  .object({
    label: z
      .string()
      .trim()
      .min(1)
      .max(100)
      // The control characters (\p{Cc}) spelled as ranges: a `u` flag would reach /openapi.json as a pattern ending in "/u".
      .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'no control characters')
      .optional()
      .openapi({ description: 'What the key is for, to tell keys apart', example: 'CI' }),
    role: z
      .enum(['admin', 'manager'])
      .optional()
      .openapi({ description: '`admin` (default): everything an admin may do; `manager`: read-only team reports' }),
  })
  .openapi('ApiKeyInput');

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
export const dateRangeQuery = z.object({
  from: localDate.openapi({ example: '2026-11-02' }),
  to: localDate.openapi({ example: '2026-11-30', description: 'exclusive' }),
});

/** A member's focus policy overrides (every key optional; unset keys follow the workspace). */
export const memberFocusPolicyInput = z
  .object({
    weeklyTargetHours: z.number().min(0).max(60),
    minBlockMinutes: z.number().int().min(15).max(480),
    maxPerDayMinutes: z.number().int().min(15).max(1440),
    preferredTime: z.enum(['morning', 'afternoon', 'any']),
    bufferMinutes: z.number().int().min(0).max(120),
    planAheadDays: z.number().int().min(1).max(60),
    autoDeclineMode: z.enum(['declineNone', 'declineOnlyNewConflictingInvitations', 'declineAllConflictingInvitations']),
  })
  .partial()
  .strict()
  .openapi('MemberFocusPolicy');

/** The workspace's focus policy defaults, with the team's no-meeting days. */
export const focusPolicyInput = memberFocusPolicyInput
  .extend({ noMeetingDays: z.array(z.enum(WEEKDAYS)).max(7) })
  .partial()
  .strict()
  .openapi('FocusPolicy');

/** team.json, the CLI's team file (paths are relative to the file). */
export const teamFile = z.object({
  workspace: workspaceSettingsInput.extend({ focus: focusPolicyInput.optional() }),
  members: z
    .array(
      memberInput.extend({
        focus: memberFocusPolicyInput.optional(),
        calendars: z
          .array(z.union([z.object({ ics: z.string().min(1) }), z.object({ url: z.string().url() })]))
          .default([]),
      }),
    )
    .min(1),
});
export type TeamFile = z.infer<typeof teamFile>;
