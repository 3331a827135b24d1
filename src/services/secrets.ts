import type { Deps } from './deps';

/**
 * Re-seals every stored credential under the current secret (`unmeet rotate-secret`). Run it
 * with UNMEET_SECRET set to the new secret and UNMEET_SECRET_PREVIOUS to the old one; the
 * service keeps working meanwhile because the vault opens both. Values already current are
 * skipped, so the command can be re-run after an interruption. OAuth states live ten minutes
 * and are not worth re-sealing: they open with the previous secret until they expire.
 */
export async function resealCredentials(deps: Pick<Deps, 'repos' | 'vault'>): Promise<{ resealed: number; alreadyCurrent: number }> {
  let resealed = 0;
  let alreadyCurrent = 0;
  for (const row of await deps.repos.connections.listSealedForRotation()) {
    if (!row.credentials || deps.vault.isCurrent(row.credentials)) {
      alreadyCurrent++;
      continue;
    }
    const plaintext = await deps.vault.open(row.credentials, row.id);
    await deps.repos.connections.setCredentials(row.workspaceId, row.id, await deps.vault.seal(plaintext, row.id));
    resealed++;
  }
  return { resealed, alreadyCurrent };
}
