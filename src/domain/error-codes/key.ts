import { defineErrors } from '../errors';

/** API keys. */
export const keyErrors = defineErrors('key', {
  not_found: { status: 404, when: "unknown key id, or another workspace's" },
  last_active: { status: 409, when: "revoking the workspace's last active key would lock it out; create another key first" },
  limit_reached: { status: 409, when: 'the workspace already holds 10 active keys; revoke one first' },
});
