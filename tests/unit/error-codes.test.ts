import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { API_DOC_PATH, renderApiDoc } from '../../scripts/docs-errors';
import { allErrorCodes } from '../../src/domain/error-codes';
import { UnmeetError, type ErrorFactory } from '../../src/domain/errors';

/**
 * Every code the service answers, with its status. Changing a status or adding a code is a
 * change to the API: it shows up here, and in docs/api.md through `npm run docs:errors`.
 */
const expected: Record<string, number> = {
    'audit.invalid_focus_min': 422,
    'audit.invalid_range': 422,
    'auth.forbidden': 403,
    'auth.invalid_key': 401,
    'auth.missing_key': 401,
    'auth.person_required': 403,
    'auth.session_expired': 401,
    'calendar.not_found': 404,
    'config.secret_missing': 503,
    'connection.needs_reauth': 409,
    'connection.no_calendar': 409,
    'connection.no_credentials': 409,
    'connection.not_found': 404,
    'connection.unsupported': 409,
    'do_next.not_found': 404,
    'google.not_configured': 501,
    'group.manager_role': 422,
    'group.name_taken': 409,
    'group.not_found': 404,
    'group.unknown_manager': 422,
    'group.unknown_member': 422,
    'ics.body_required': 422,
    'ics.busy': 429,
    'ics.invalid_url': 422,
    'ics.not_calendar': 422,
    'ics.parse_error': 422,
    'ics.too_complex': 422,
    'ics.too_large': 413,
    'ics.unknown_time_zone': 422,
    'ics.upload_to_subscription': 409,
    'ics.url_forbidden': 422,
    'ics.url_unreachable': 502,
    'internal': 500,
    'invitation.already_member': 409,
    'invitation.duplicate': 409,
    'invitation.email_mismatch': 403,
    'invitation.expired': 410,
    'invitation.invalid': 404,
    'invitation.invalid_email': 422,
    'invitation.limit_reached': 429,
    'invitation.not_found': 404,
    'invitation.nothing_to_approve': 409,
    'invitation.revoked': 410,
    'invitation.used': 410,
    'key.last_active': 409,
    'key.limit_reached': 409,
    'key.not_found': 404,
    'link.expired': 410,
    'link.invalid': 404,
    'link.used': 410,
    'mail.invalid_link': 404,
    'mail.link_expired': 410,
    'mail.link_used': 410,
    'mail.not_configured': 501,
    'member.already_exists': 409,
    'member.conflicting_profile': 422,
    'member.invalid_time_zone': 422,
    'member.invalid_working_hours': 422,
    'member.not_found': 404,
    'microsoft.not_configured': 501,
    'oauth.account_mismatch': 403,
    'oauth.account_unknown': 502,
    'oauth.account_unverified': 403,
    'oauth.denied': 400,
    'oauth.exchange_failed': 400,
    'oauth.invalid_state': 400,
    'oauth.not_own_member': 403,
    'outbox.attempt_in_progress': 409,
    'outbox.invalid_state': 409,
    'outbox.not_exportable': 409,
    'outbox.not_found': 404,
    'person.not_found': 404,
    'privacy.not_shared': 403,
    'rate_limited': 429,
    'recurrence.empty_rule': 422,
    'recurrence.invalid_count': 422,
    'recurrence.invalid_freq': 422,
    'recurrence.invalid_interval': 422,
    'recurrence.invalid_part': 422,
    'recurrence.invalid_until': 422,
    'request.invalid': 422,
    'request.malformed_json': 400,
    'request.not_found': 404,
    'request.too_large': 413,
    'request.unsupported_media_type': 415,
    'role.last_owner': 409,
    'rotation.calendar_write_incomplete': 502,
    'rotation.calendar_write_unsupported': 501,
    'rotation.conflict': 409,
    'rotation.freebusy_unsupported': 501,
    'rotation.invalid_input': 422,
    'rotation.no_candidates': 422,
    'rotation.not_found': 404,
    'rotation.organizer_not_connected': 422,
    'rotation.organizer_not_member': 422,
    'rotation.organizer_not_participant': 422,
    'rotation.organizer_required': 422,
    'series.not_found': 404,
    'signin.cancelled': 400,
    'signin.email_unverified': 403,
    'signin.exchange_failed': 400,
    'signin.invalid_email': 422,
    'signin.invalid_state': 400,
    'signin.invalid_token': 401,
    'signin.mail_unavailable': 501,
    'signin.not_configured': 501,
    'signin.provider_unavailable': 502,
    'signin.too_many_links': 429,
    'signup.closed': 403,
    'suggestion.decided': 409,
    'suggestion.duplicate': 409,
    'suggestion.not_flagged': 409,
    'suggestion.opted_out': 409,
    'suggestion.recipient_not_member': 409,
    'suggestion.weekly_cap': 409,
    'webhook.forbidden': 401,
    'webhook.invalid': 400,
    'webhook.unknown_channel': 404,
    'workspace.creation_closed': 403,
    'workspace.not_found': 404,
};

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.tsx?$/.test(name) ? [path] : [];
  });

describe('error codes', () => {
  it('when every area is read through the catalog, then each code has exactly the status listed here', () => {
    const actual = Object.fromEntries(allErrorCodes().map((error) => [error.code, error.status]));
    expect(actual).toEqual(expected);
  });

  it('when two areas are read, then no code is declared twice and each says when it is answered', () => {
    const codes = allErrorCodes().map((error) => error.code);
    expect(codes.length).toBe(new Set(codes).size);
    expect(allErrorCodes().filter((error) => error.when.trim() === '').map((error) => error.code)).toEqual([]);
  });

  it('when a module in src/domain/error-codes/ declares codes, then the catalog lists it', async () => {
    const declared: string[] = [];
    for (const path of files('src/domain/error-codes').filter((p) => !p.endsWith('index.ts'))) {
      const module = (await import(/* @vite-ignore */ pathToFileURL(resolve(path)).href)) as Record<string, Record<string, ErrorFactory>>;
      for (const area of Object.values(module)) declared.push(...Object.values(area).map((factory) => factory.code));
    }
    expect(declared.sort()).toEqual(allErrorCodes().map((error) => error.code));
  });

  it('when a factory makes an error, then it carries the code, the status, the message and the details', () => {
    for (const factory of allErrorCodes()) {
      const error = factory('A human sentence.', { line: 3 });
      expect(error).toBeInstanceOf(UnmeetError);
      expect([error.code, error.status, error.message, error.details]).toEqual([factory.code, factory.status, 'A human sentence.', { line: 3 }]);
    }
  });

  it('when source code raises an expected failure, then it goes through a definition, not a code spelled at the throw', () => {
    const allowed = new Set(['src/domain/errors.ts', 'src/http/errors.ts']);
    const offenders = files('src')
      .map((path) => path.replaceAll('\\', '/'))
      .filter((path) => !allowed.has(path) && readFileSync(path, 'utf8').includes('new UnmeetError('));
    expect(offenders).toEqual([]);
  });

  it('when the error table is generated from the definitions, then the committed docs/api.md is already up to date (npm run docs:errors)', () => {
    const committed = readFileSync(API_DOC_PATH, 'utf8');
    expect(renderApiDoc(committed)).toBe(committed);
  });
});
