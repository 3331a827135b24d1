import { defineErrors } from '../errors';

/** Roles in a workspace. */
export const roleErrors = defineErrors('role', {
  last_owner: { status: 409, when: 'the workspace would be left without an owner' },
});
