import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { loadConfig, ConfigError } from '../config';
import { auditTeam, type AuditReport } from '../domain/audit';
import { isUnmeetError } from '../domain/errors';
import { assertTimeZone, normalizeWorkingHours, parseDateRange } from '../domain/working-hours';
import { buildNodeDeps, startServer } from '../entry/node';
import { createLogger } from '../logger';
import { fetchIcs } from '../providers/ics/ics.fetch';
import { resealCredentials } from '../services/secrets';
import { connectIcs } from '../services/sync';
import { createWorkspace } from '../services/workspaces';
import { flagsFromTeamFile, formatFlags } from './flags';
import { focusCommand } from './focus';
import { inviteCommand } from './invite';
import { formatAuditTable } from './format';
import { workspaceKeysCommand } from './keys';
import { rotateCommand } from './rotate';
import { setupLinkCommand } from './setup';
import { InputError, parseIcsNamed, printImportWarnings, readIcsFile, readTeamFile, resolveFrom, toMember } from './team-file';

const USAGE = `unmeet — give people their time back from meetings

Usage:
  unmeet serve                              start the HTTP service (same as npm start)
  unmeet migrate                            apply database migrations and exit
  unmeet audit --team team.json [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]
  unmeet audit --ics FILE|URL --tz ZONE [--email you@example.com] [--from ...] [--to ...] [--json]
  unmeet flags --team team.json [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]
  unmeet focus plan --team team.json [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]   plan focus blocks offline (default: the next 14 days)
  unmeet rotate --input rotation.json [--json]  plan a fair rotation of a recurring meeting across zones
  unmeet workspace create --name NAME       create a workspace and print its API key (once)
  unmeet workspace keys [create [--label TEXT] | revoke KEY_ID] --workspace ID [--json]   list a workspace's API keys (prefixes only), add one (printed once) or revoke one (never the last active)
  unmeet invite EMAIL [--workspace ID] [--role member|manager|admin|owner] [--db PATH] [--json]   invite someone and print the link to hand over (once; no mail or OAuth app needed)
  unmeet backup FILE                        online backup of the database into FILE
  unmeet rotate-secret                      re-seal stored credentials under UNMEET_SECRET (old one in UNMEET_SECRET_PREVIOUS)
  unmeet demo [--team examples/team.json]   create a workspace holding the sample team
  unmeet setup-link [--sql]                 print a one-time setup link (7 days): its first user creates and owns a workspace; --sql prints the INSERT for D1 instead of storing it

Dates are local dates in each member's zone; --to is exclusive (default: today; --from default: 28 days earlier).
Environment: UNMEET_DB (default ./data/unmeet.db), PORT, HOST, UNMEET_SECRET; see README.`;

const DAY = 86_400_000;

function defaultRange(from?: string, to?: string) {
  const end = to ?? DateTime.utc().toISODate()!;
  const start = from ?? DateTime.fromISO(end, { zone: 'utc' }).minus({ days: 28 }).toISODate() ?? end;
  parseDateRange(start, end);
  return { from: start, to: end };
}

/** The UTC span that covers local dates from..to in every zone (UTC-12 to UTC+14), plus slack. */
const windowFor = (range: { from: string; to: string }) => ({
  start: Date.parse(`${range.from}T00:00:00Z`) - 2 * DAY,
  end: Date.parse(`${range.to}T00:00:00Z`) + 2 * DAY,
});

async function audit(values: Record<string, string | boolean | undefined>): Promise<AuditReport> {
  const range = defaultRange(values.from as string | undefined, values.to as string | undefined);
  const window = windowFor(range);
  if (typeof values.team === 'string') {
    const teamPath = resolve(values.team);
    const team = await readTeamFile(teamPath);
    const members = await Promise.all(
      team.members.map(async (m) => {
        const events = [];
        for (const cal of m.calendars) {
          if ('ics' in cal) events.push(...(await readIcsFile(resolveFrom(teamPath, cal.ics), window, m.timeZone)));
          else events.push(...parseIcsNamed(await fetchIcs(cal.url, cliFetchDeps()), cal.url, window, m.timeZone));
        }
        return { member: toMember(m), events };
      }),
    );
    return auditTeam({ range, focusMinMinutes: team.workspace.focusMinMinutes ?? 120, members });
  }
  if (typeof values.ics === 'string') {
    const zone = values.tz;
    if (typeof zone !== 'string') throw new InputError('--ics needs --tz ZONE (the calendar owner\'s IANA time zone)');
    assertTimeZone(zone);
    const source = values.ics;
    const events = /^(https?|webcal):/i.test(source)
      ? parseIcsNamed(await fetchIcs(source, cliFetchDeps()), source, window, zone)
      : await readIcsFile(resolve(source), window, zone);
    const email = typeof values.email === 'string' ? values.email.toLowerCase() : guessOwner(events);
    const member = { email, name: email, timeZone: zone, locale: 'en', workingHours: normalizeWorkingHours(undefined) };
    return auditTeam({ range, focusMinMinutes: 120, members: [{ member, events }] });
  }
  throw new InputError('audit needs --team team.json, or --ics FILE|URL with --tz ZONE');
}

/** Without --email, the calendar's owner is the address that appears in the most events. */
function guessOwner(events: Awaited<ReturnType<typeof readIcsFile>>): string {
  const seen = new Map<string, number>();
  for (const e of events) for (const a of e.attendees) seen.set(a.email, (seen.get(a.email) ?? 0) + 1);
  return [...seen.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? 'me@localhost';
}

function cliFetchDeps() {
  const config = loadConfig(process.env);
  return {
    fetch: globalThis.fetch,
    resolveHost: async (host: string) => (await lookup(host, { all: true })).map((a) => a.address),
    allowPrivate: config.allowPrivateUrls,
  };
}

async function withDeps<T>(fn: (deps: Awaited<ReturnType<typeof buildNodeDeps>>['deps']) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  const { deps, handle, closeParsers } = await buildNodeDeps(config, createLogger('warn', (l) => console.error(l)));
  try {
    return await fn(deps);
  } finally {
    closeParsers();
    handle.close();
  }
}

async function demo(teamArg: string | undefined) {
  const teamPath = resolve(teamArg ?? 'examples/team.json');
  const team = await readTeamFile(teamPath);
  const config = loadConfig(process.env);
  await withDeps(async (deps) => {
    const { workspace, apiKey } = await createWorkspace(deps, team.workspace);
    for (const m of team.members) {
      const member = await deps.repos.members.create(workspace.id, toMember(m), deps.clock());
      for (const cal of m.calendars) {
        if ('ics' in cal) {
          const body = await readFile(resolveFrom(teamPath, cal.ics), 'utf8');
          printImportWarnings(cal.ics, await connectIcs(deps, workspace.id, member.id, { body, name: cal.ics }));
        } else {
          printImportWarnings(new URL(cal.url.replace(/^webcals?:/i, 'https:')).host, await connectIcs(deps, workspace.id, member.id, { url: cal.url }));
        }
      }
    }
    console.log(`Created workspace "${workspace.name}" (${workspace.id}) with ${team.members.length} members.`);
    console.log(`API key (shown once): ${apiKey}`);
    console.log(`\nStart the service with \`npm start\`, then try:`);
    console.log(`  curl -H "Authorization: Bearer ${apiKey}" "${config.publicUrl}/v1/audit?from=2026-11-02&to=2026-11-30"`);
    console.log(`  open ${config.publicUrl}/docs`);
  });
}

const OPTIONS = {
  team: { type: 'string' },
  ics: { type: 'string' },
  tz: { type: 'string' },
  email: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  json: { type: 'boolean' },
  name: { type: 'string' },
  workspace: { type: 'string' },
  label: { type: 'string' },
  input: { type: 'string' },
  role: { type: 'string' },
  db: { type: 'string' },
  sql: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];
type Command = (values: Values, positionals: string[]) => Promise<number | void>;

/** Each command: what it prints, and its exit status (0 unless it returns another). */
const COMMANDS: Record<string, Command> = {
  async serve() {
    const { stop } = await startServer(loadConfig(process.env));
    await new Promise<void>((done) => {
      for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => stop().then(done, done));
    });
  },
  async migrate() {
    const config = loadConfig(process.env);
    await withDeps(async () => undefined);
    console.log(`migrations applied to ${config.dbPath}`);
  },
  async audit(values) {
    const report = await audit(values);
    console.log(values.json ? JSON.stringify(report, null, 2) : formatAuditTable(report));
  },
  async flags(values) {
    const report = await flagsFromTeamFile(values.team, { from: values.from, to: values.to });
    console.log(values.json ? JSON.stringify({ series: report.series }, null, 2) : formatFlags(report));
  },
  async focus(values, positionals) {
    console.log(await focusCommand(positionals[0], values));
  },
  async workspace(values, positionals) {
    if (positionals[0] === 'keys') {
      const [, action, keyId] = positionals;
      const { workspace, label, json } = values;
      console.log(await workspaceKeysCommand({ action, keyId, workspace, label, json }, withDeps));
      return;
    }
    if (positionals[0] !== 'create' || !values.name) throw new InputError('usage: unmeet workspace create --name NAME | unmeet workspace keys ...');
    const name = values.name;
    await withDeps(async (deps) => {
      const { workspace, apiKey } = await createWorkspace(deps, { name });
      console.log(`Created workspace "${workspace.name}" (${workspace.id}).`);
      console.log(`API key (shown once): ${apiKey}`);
    });
  },
  async invite(values, positionals) {
    // --db points this one command at another database file (default: UNMEET_DB).
    if (typeof values.db === 'string') process.env.UNMEET_DB = resolve(values.db);
    const { workspace, role, json } = values;
    console.log(await inviteCommand({ email: positionals[0], workspace, role, json }, withDeps));
  },
  async backup(_values, positionals) {
    const target = positionals[0];
    if (!target) throw new InputError('usage: unmeet backup FILE');
    const config = loadConfig(process.env);
    const { handle } = await buildNodeDeps(config, createLogger('warn', (l) => console.error(l)));
    try {
      await handle.backup(resolve(target));
    } finally {
      handle.close();
    }
    console.log(`backed up ${config.dbPath} to ${target}`);
  },
  async 'rotate-secret'() {
    const result = await withDeps((deps) => resealCredentials(deps));
    console.log(`re-sealed ${result.resealed} credentials under the current secret (${result.alreadyCurrent} already current)`);
  },
  async demo(values) {
    await demo(values.team);
  },
  async rotate(values) {
    console.log(await rotateCommand(values));
  },
  async 'setup-link'(values) {
    console.log(await setupLinkCommand({ sql: values.sql, publicUrl: loadConfig(process.env).publicUrl, now: Date.now() }, withDeps));
  },
};

export async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: OPTIONS });
  if (!command || command === 'help' || values.help) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const handler = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!handler) {
    console.error(`unmeet: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  return (await handler(values, positionals)) ?? 0;
}

export async function main(argv = process.argv.slice(2)) {
  try {
    process.exitCode = await run(argv);
  } catch (error) {
    if (error instanceof InputError || error instanceof ConfigError) console.error(`unmeet: ${error.message}`);
    else if (isUnmeetError(error)) console.error(`unmeet: ${error.message} (${error.code})`);
    else if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) console.error(`unmeet: ${(error as Error).message}\n\n${USAGE}`);
    else console.error(`unmeet: unexpected error: ${error instanceof Error ? error.stack : String(error)}`);
    process.exitCode = process.exitCode && process.exitCode !== 0 ? process.exitCode : 1;
  }
}
