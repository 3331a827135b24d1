import { defineErrors } from '../errors';

/** Workspaces. */
export const workspaceErrors = defineErrors('workspace', {
  not_found: { status: 404, when: 'the person does not belong to that workspace' },
  creation_closed: { status: 403, when: '`POST /v1/workspaces` without the admin token' },
});
