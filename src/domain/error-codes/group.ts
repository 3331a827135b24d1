import { defineErrors } from '../errors';

/** Groups for team views. */
export const groupErrors = defineErrors('group', {
  not_found: { status: 404, when: 'unknown group, or one a manager is not assigned to' },
  name_taken: { status: 409, when: 'another group in the workspace has that name' },
  unknown_member: { status: 422, when: 'a member id in the body is not in this workspace' },
  unknown_manager: { status: 422, when: 'a person id in the body is not in this workspace' },
  manager_role: { status: 422, when: 'a person assigned as manager has only the member role' },
});
