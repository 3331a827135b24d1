import type { ErrorFactory } from '../errors';
import * as audit from './audit';
import * as auth from './auth';
import * as calendar from './calendar';
import * as config from './config';
import * as connection from './connection';
import * as doNext from './do-next';
import * as group from './group';
import * as ics from './ics';
import * as invitation from './invitation';
import * as key from './key';
import * as link from './link';
import * as mail from './mail';
import * as member from './member';
import * as oauth from './oauth';
import * as outbox from './outbox';
import * as person from './person';
import * as privacy from './privacy';
import * as recurrence from './recurrence';
import * as request from './request';
import * as role from './role';
import * as rotation from './rotation';
import * as series from './series';
import * as signin from './signin';
import * as suggestion from './suggestion';
import * as vendors from './vendors';
import * as webhook from './webhook';
import * as workspace from './workspace';

/**
 * The catalog: every module that declares error codes. It lists modules, not statuses: each
 * code's status stays where the code is declared. A new area's module is added here so the
 * code test and the generated list in docs/api.md see it.
 */
const modules = [audit, auth, calendar, config, connection, doNext, group, ics, invitation, key, link, mail, member, oauth, outbox, person, privacy, recurrence, request, role, rotation, series, signin, suggestion, vendors, webhook, workspace];

/** Every declared code, sorted by code. */
export function allErrorCodes(): ErrorFactory[] {
  return modules
    .flatMap((module) => Object.values(module))
    .flatMap((area) => Object.values(area) as ErrorFactory[])
    .sort((a, b) => a.code.localeCompare(b.code));
}
