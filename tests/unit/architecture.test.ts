import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.tsx?$/.test(name) ? [path] : [];
  });

const sources = files('src').map((path) => ({ path: relative('.', path).replaceAll('\\', '/'), text: readFileSync(path, 'utf8') }));
const imports = (text: string) => [...text.matchAll(/from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);

/** The only places that may know they run on Node (Workers run everything else). */
// The Node entry and its worker threads (src/entry/rotation-exact-*, src/entry/ics-parse-*) may; worker.ts may not.
const nodeOnlyAllowed = (path: string) =>
  path === 'src/entry/node.ts' ||
  path.startsWith('src/entry/rotation-exact-') ||
  path.startsWith('src/entry/ics-parse-') ||
  path === 'src/db/sqlite.ts' ||
  path.startsWith('src/cli/');
const nodeOnly = /^(node:|better-sqlite3$|fs$|path$|os$|child_process$|@hono\/node-server)/;

describe('architecture rules', () => {
  it('when a module below the entry points imports a Node-only module, then this fails', () => {
    const offenders = sources
      .filter((s) => !nodeOnlyAllowed(s.path))
      .flatMap((s) => imports(s.text).filter((i) => nodeOnly.test(i)).map((i) => `${s.path} imports ${i}`));
    expect(offenders).toEqual([]);
  });

  it('when domain code does I/O, reads the clock or env, or imports a framework, then this fails', () => {
    const offenders = sources
      .filter((s) => s.path.startsWith('src/domain/'))
      .flatMap((s) => {
        const bad = imports(s.text).filter((i) => /^(node:|drizzle-orm|hono|@hono|better-sqlite3|\.\.\/(db|http|providers|services))/.test(i));
        if (/Date\.now\(|new Date\(\)|process\.|fetch\(/.test(s.text)) bad.push('clock/env/fetch');
        return bad.map((b) => `${s.path}: ${b}`);
      });
    expect(offenders).toEqual([]);
  });

  it('when code outside src/config.ts reads process.env, then this fails', () => {
    const offenders = sources
      .filter((s) => s.path !== 'src/config.ts' && !nodeOnlyAllowed(s.path))
      .filter((s) => s.text.includes('process.env'))
      .map((s) => s.path);
    expect(offenders).toEqual([]);
  });
});
