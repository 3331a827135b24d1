import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { Role } from '../domain/roles';
import { members, workspaces } from './schema';

/**
 * People and access (the second round): who a person is (a verified address, with the identities
 * that proved it), which workspaces they belong to and with which role, their server-side
 * sessions, one-time links, invitations, groups for privacy-preserving team views, verified mail
 * recipients and the admin audit log. Kept beside `schema.ts` so each file stays readable;
 * drizzle-kit reads all the schema files.
 */

const createdAt = () =>
  integer('created_at')
    .notNull()
    .default(sql`(unixepoch() * 1000)`);

const workspaceRef = () =>
  text('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' });

export type VerifiedBy = 'google' | 'microsoft' | 'link';

/** A person: one verified address, across every workspace they belong to. */
export const people = sqliteTable(
  'people',
  {
    id: text('id').primaryKey(),
    /** Lower-cased; verified by an identity provider or a one-time link before the row exists. */
    email: text('email').notNull(),
    name: text('name').notNull(),
    locale: text('locale').notNull().default('en'),
    verifiedBy: text('verified_by').$type<VerifiedBy>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('people_email_idx').on(t.email)],
);

/** An account at an identity provider that signs a person in: Google `sub`, Microsoft `tid:oid`. */
export const identities = sqliteTable(
  'identities',
  {
    provider: text('provider').$type<'google' | 'microsoft'>().notNull(),
    subject: text('subject').notNull(),
    personId: text('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.subject] }), index('identities_person_idx').on(t.personId)],
);

/** A person's place in a workspace: their role, and the member (calendar subject) they are. */
export const memberships = sqliteTable(
  'memberships',
  {
    workspaceId: workspaceRef(),
    personId: text('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    role: text('role').$type<Role>().notNull(),
    /** The member row whose calendar is this person's; null until one exists. */
    memberId: text('member_id').references(() => members.id, { onDelete: 'set null' }),
    /** The person chose to show their own numbers by name to managers and admins. */
    shareNumbers: integer('share_numbers', { mode: 'boolean' }).notNull().default(false),
    /** The person asked for the weekly digest of this workspace (off until they opt in). */
    digestOptIn: integer('digest_opt_in', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.personId] }), index('memberships_person_idx').on(t.personId), index('memberships_member_idx').on(t.memberId)],
);

/**
 * Server-side sessions: the cookie holds a random token, the row its SHA-256. A session belongs
 * to a person (signed in) or to an API key (an operator's dashboard sign-in), in one workspace.
 * Deleting the row ends it, wherever the cookie was copied.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    personId: text('person_id').references(() => people.id, { onDelete: 'cascade' }),
    workspaceId: text('workspace_id').references(() => workspaces.id, { onDelete: 'cascade' }),
    apiKeyId: text('api_key_id'),
    /** Bound into every CSRF token of this session. */
    csrfNonce: text('csrf_nonce').notNull(),
    createdAt: integer('created_at').notNull(),
    /** Written at most once a minute (the idle timeout's clock). */
    lastSeenAt: integer('last_seen_at').notNull(),
    /** The absolute end, whatever the activity. */
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sessions_person_idx').on(t.personId), index('sessions_workspace_idx').on(t.workspaceId)],
);

/** `flash`: a dashboard flash (see services/flash.ts), its sealed content in `payload`. */
export type LinkPurpose = 'sign-in' | 'setup' | 'confirm' | 'flash';

/**
 * One-time links (sign-in by email, first-start setup, mail-address confirmation): stored as the
 * SHA-256 of the token; consumed by a POST, never by the GET a mail scanner makes.
 */
export const oneTimeLinks = sqliteTable(
  'one_time_links',
  {
    id: text('id').primaryKey(),
    purpose: text('purpose').$type<LinkPurpose>().notNull(),
    email: text('email'),
    /** A flash's sealed content (AES-256-GCM under the vault); null for links. */
    payload: text('payload'),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [index('one_time_links_email_idx').on(t.purpose, t.email, t.createdAt)],
);

/** An invitation to a workspace: a signed, expiring, single-use link for one address and role. */
export const invitations = sqliteTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceRef(),
    email: text('email').notNull(),
    role: text('role').$type<Role>().notNull(),
    /** SHA-256 of the current link's token (resending replaces it, so an older link stops working). */
    tokenHash: text('token_hash').notNull(),
    invitedBy: text('invited_by').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    sentCount: integer('sent_count').notNull().default(0),
    lastSentAt: integer('last_sent_at'),
    /** A different verified address an admin accepted for this invitation. */
    approvedEmail: text('approved_email'),
    /** The address that tried to accept and did not match (shown to admins to approve). */
    attemptedEmail: text('attempted_email'),
    acceptedAt: integer('accepted_at'),
    acceptedBy: text('accepted_by'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [uniqueIndex('invitations_token_idx').on(t.tokenHash), index('invitations_workspace_idx').on(t.workspaceId, t.email, t.createdAt)],
);

/** A named set of members, for team views; a manager sees the groups assigned to them. */
export const groups = sqliteTable(
  'groups',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceRef(),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('groups_workspace_name_idx').on(t.workspaceId, t.name)],
);

export const groupMembers = sqliteTable(
  'group_members',
  {
    groupId: text('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    workspaceId: text('workspace_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.memberId] }), index('group_members_workspace_idx').on(t.workspaceId)],
);

export const groupManagers = sqliteTable(
  'group_managers',
  {
    groupId: text('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    personId: text('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    workspaceId: text('workspace_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.personId] }), index('group_managers_workspace_idx').on(t.workspaceId, t.personId)],
);

/**
 * Addresses mail may go to: verified by signing in, or by a confirmation link the recipient
 * clicked. `confirmationSentAt` caps confirmation mails at one per address per 7 days.
 */
export const mailAddresses = sqliteTable('mail_addresses', {
  email: text('email').primaryKey(),
  verifiedAt: integer('verified_at'),
  verifiedBy: text('verified_by').$type<VerifiedBy>(),
  confirmationSentAt: integer('confirmation_sent_at'),
});

/** What admins did (members, roles, invitations, keys, connections, settings), readable by admins. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: workspaceRef(),
    /** `person:<id>`, `key:<id>` or `cli`. */
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target'),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
    at: integer('at').notNull(),
  },
  (t) => [index('audit_log_workspace_idx').on(t.workspaceId, t.at)],
);

/** A pending OpenID sign-in: single use, short-lived, with the sealed PKCE verifier, the nonce and what it is for. */
export const signInStates = sqliteTable('sign_in_states', {
  id: text('id').primaryKey(),
  provider: text('provider').$type<'google' | 'microsoft'>().notNull(),
  verifier: text('verifier').notNull(),
  nonce: text('nonce').notNull(),
  /** JSON: `{ kind: 'sign-in' }`, `{ kind: 'invite', invitationId }`, `{ kind: 'setup', linkId }`. */
  intent: text('intent', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  expiresAt: integer('expires_at').notNull(),
});

/** One weekly digest per person, workspace and week (the Monday it reviews up to): at most once, by the key. */
export const digestSends = sqliteTable(
  'digest_sends',
  {
    workspaceId: workspaceRef(),
    personId: text('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    /** ISO date (YYYY-MM-DD) of the Monday that starts the week ahead, in the person's zone. */
    week: text('week').notNull(),
    /** The outbox message that carries it; null when there was nothing to send (recorded so it is not retried). */
    outboxId: text('outbox_id'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.personId, t.week] })],
);

/**
 * A "Do next" item someone set aside: dismissed for good (`until` null) or snoozed until an
 * instant. Per viewer (a person, or `key:<id>` for an API-key session), so one lead's choice
 * does not hide the item from another.
 */
export const doNextDismissals = sqliteTable(
  'do_next_dismissals',
  {
    workspaceId: workspaceRef(),
    viewer: text('viewer').notNull(),
    /** The item's stable key, e.g. `series:<seriesKey>`, `focus:<groupOrPerson>`, `rotation:<id>`. */
    itemKey: text('item_key').notNull(),
    until: integer('until'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.viewer, t.itemKey] })],
);
