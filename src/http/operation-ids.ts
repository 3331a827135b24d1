/**
 * The stable `operationId` of every operation in /openapi.json, keyed by method and full path.
 * Generated clients name their methods after these, so an id never changes once published:
 * rename a path and keep its id. Kept in one table (rather than beside each route) so the names
 * read as one consistent vocabulary: list/get/create/update/delete + the resource, a verb for
 * actions. tests/integration/openapi-document.test.ts fails when an operation has no id here,
 * when two share one, or when an entry names no operation.
 */
export const OPERATION_IDS: Readonly<Record<string, string>> = {
  'POST /v1/workspaces': 'createWorkspace',
  'GET /v1/workspace': 'getWorkspace',
  'PATCH /v1/workspace': 'updateWorkspace',
  'GET /v1/workspace/keys': 'listApiKeys',
  'POST /v1/workspace/keys': 'createApiKey',
  'DELETE /v1/workspace/keys/{id}': 'revokeApiKey',
  'GET /v1/members': 'listMembers',
  'POST /v1/members': 'createMember',
  'GET /v1/members/{id}': 'getMember',
  'PATCH /v1/members/{id}': 'updateMember',
  'DELETE /v1/members/{id}': 'deleteMember',
  'GET /v1/connections': 'listConnections',
  'POST /v1/connections/ics': 'connectIcs',
  'GET /v1/connections/{id}': 'getConnection',
  'DELETE /v1/connections/{id}': 'deleteConnection',
  'POST /v1/connections/{id}/sync': 'syncConnection',
  'GET /v1/audit': 'getAudit',
  'GET /v1/connect/google': 'startGoogleConnect',
  'POST /v1/connect/google': 'connectOwnGoogle',
  'GET /v1/connect/microsoft': 'startMicrosoftConnect',
  'POST /v1/connect/microsoft': 'connectOwnMicrosoft',
  'GET /v1/flags': 'listFlags',
  'POST /v1/flags/decisions': 'decideFlag',
  'GET /v1/flags/preview': 'previewSuggestion',
  'POST /v1/flags/suggestions': 'queueSuggestions',
  'GET /v1/outbox': 'listOutbox',
  'GET /v1/outbox/{id}': 'getOutboxMessage',
  'GET /v1/outbox/{id}/eml': 'getOutboxMessageEml',
  'POST /v1/outbox/{id}/resolve': 'resolveOutboxMessage',
  'POST /v1/rotations': 'previewRotation',
  'GET /v1/rotations/ledger': 'getRotationLedger',
  'GET /v1/rotations/{id}': 'getRotation',
  'POST /v1/rotations/{id}/commit': 'commitRotation',
  'GET /v1/rotations/{id}/ics': 'getRotationIcs',
  'GET /v1/focus/policy': 'getFocusPolicy',
  'PATCH /v1/focus/policy': 'updateFocusPolicy',
  'GET /v1/focus/members/{id}': 'getMemberFocus',
  'PATCH /v1/focus/members/{id}': 'updateMemberFocus',
  'GET /v1/focus/plan': 'planFocus',
  'POST /v1/focus/apply': 'applyFocus',
  'GET /v1/me': 'getMe',
  'PATCH /v1/me': 'updateMe',
  'POST /v1/me/sign-out-everywhere': 'signOutEverywhere',
  'GET /v1/me/export': 'exportMyData',
  'DELETE /v1/me/data': 'deleteMyData',
  'GET /v1/me/digest': 'getMyDigest',
  'PUT /v1/me/digest': 'setMyDigest',
  'POST /v1/invitations': 'createInvitations',
  'GET /v1/invitations': 'listInvitations',
  'DELETE /v1/invitations/{id}': 'revokeInvitation',
  'POST /v1/invitations/{id}/resend': 'resendInvitation',
  'POST /v1/invitations/{id}/approve': 'approveInvitation',
  'GET /v1/people': 'listPeople',
  'PATCH /v1/people/{personId}': 'updatePersonRole',
  'DELETE /v1/people/{personId}': 'offboardPerson',
  'GET /v1/audit-log': 'listAuditLog',
  'GET /v1/groups': 'listGroups',
  'POST /v1/groups': 'createGroup',
  'GET /v1/groups/{id}': 'getGroup',
  'PATCH /v1/groups/{id}': 'updateGroup',
  'DELETE /v1/groups/{id}': 'deleteGroup',
  'GET /v1/my/week': 'getMyWeek',
  'GET /v1/my/flags': 'listMyFlags',
  'GET /v1/my/focus': 'getMyFocus',
  'GET /v1/my/rotation': 'getMyRotation',
  'PATCH /v1/my/sharing': 'updateMySharing',
  'GET /v1/team/audit': 'getTeamAudit',
  'GET /v1/do-next': 'getDoNext',
  'POST /v1/do-next/{key}/dismiss': 'dismissDoNextItem',
  'POST /v1/do-next/{key}/snooze': 'snoozeDoNextItem',
  'POST /v1/admin/reseal': 'resealCredentials',
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface OpenApiLike {
  servers?: Array<{ url: string; description?: string }>;
  paths?: object;
}

/**
 * Completes the generated document for clients: each operation gets its `operationId` from
 * {@link OPERATION_IDS} (one a route declares itself is kept), and `servers` names this
 * instance's public URL, so generated clients and "Try it out" call the right host.
 */
export function completeOpenApiDocument<D extends OpenApiLike>(document: D, publicUrl: string): D {
  const paths = (document.paths ?? {}) as Record<string, Partial<Record<string, { operationId?: string }>> | undefined>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const operation = item?.[method];
      if (operation === undefined || operation.operationId !== undefined) continue;
      const id = OPERATION_IDS[`${method.toUpperCase()} ${path}`];
      if (id !== undefined) operation.operationId = id;
    }
  }
  document.servers = [{ url: publicUrl.replace(/\/+$/, ''), description: 'This instance (PUBLIC_URL)' }];
  return document;
}
