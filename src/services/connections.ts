import { UnmeetError } from '../domain/errors';
import type { Deps } from './deps';
import { releaseOAuthConnection } from './oauth-connections';
import { icsRefreshJobKey } from './sync';

/**
 * Removes a connection with its calendars and events. An OAuth connection first stops its push
 * channels and revokes its grant, so nothing keeps access after people disconnect.
 */
export async function disconnect(deps: Deps, workspaceId: string, connectionId: string): Promise<void> {
  const connection = await deps.repos.connections.get(workspaceId, connectionId);
  if (!connection) throw new UnmeetError('connection.not_found', `No connection ${connectionId} in this workspace.`);
  if (connection.provider !== 'ics') await releaseOAuthConnection(deps, connection);
  await deps.repos.jobs.removeByKey(icsRefreshJobKey(connectionId));
  await deps.repos.connections.remove(workspaceId, connectionId);
}
