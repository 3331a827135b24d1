import type { Deps } from '../services/deps';
import { issueSetupLink, setupLinkStatement } from '../services/one-time-links';

/**
 * `unmeet setup-link`: a one-time setup link (7 days) whose first user creates a workspace and
 * owns it. On SQLite the link is stored directly. With `--sql` nothing is opened: the command
 * prints the link and the INSERT an operator runs against D1 (Workers have no terminal of their
 * own), e.g. `wrangler d1 execute unmeet --remote --command "<the statement>"`.
 */
export async function setupLinkCommand(
  options: { sql?: boolean | undefined; publicUrl: string; now: number },
  withDeps: <T>(fn: (deps: Deps) => Promise<T>) => Promise<T>,
): Promise<string> {
  const expires = (at: number) => new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (options.sql) {
    const { url, sql, expiresAt } = await setupLinkStatement(options.publicUrl, options.now);
    return [
      `Setup link (works once, until ${expires(expiresAt)}), valid after you run the statement below against the database:`,
      `  ${url}`,
      '',
      'SQL (for D1: wrangler d1 execute <database> --remote --command "<this>"):',
      sql,
    ].join('\n');
  }
  const { url, expiresAt } = await withDeps((deps) => issueSetupLink(deps));
  return [`Setup link (works once, until ${expires(expiresAt)}): sign in through it to create a workspace you own.`, `  ${url}`].join('\n');
}
