import { createConfig, lintFromString } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_IDS } from '../../src/http/operation-ids';
import { createTestApp } from '../helpers/app';

type Operation = { operationId?: string };
type Doc = { servers?: Array<{ url: string }>; paths: Record<string, Record<string, Operation>> };
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

let t: Awaited<ReturnType<typeof createTestApp>>;
let text: string;
let doc: Doc;
beforeAll(async () => {
  t = await createTestApp({ publicUrl: 'https://unmeet.example.org' });
  const res = await t.api('GET', '/openapi.json');
  expect(res.status).toBe(200);
  text = res.text;
  doc = res.json;
});
afterAll(() => t.close());

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, operationId: op.operationId })),
  );

describe('/openapi.json for generated clients', () => {
  it('when the document is read, then every operation has an operationId, no two share one, and the table names no missing operation', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(0);
    expect(ops.filter((op) => op.operationId === undefined).map((op) => op.key)).toEqual([]);
    const ids = ops.map((op) => op.operationId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(Object.keys(OPERATION_IDS).filter((key) => !ops.some((op) => op.key === key))).toEqual([]);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z]+$/);
  });

  it('when the document is read, then servers names the instance from PUBLIC_URL', () => {
    expect(doc.servers).toEqual([{ url: 'https://unmeet.example.org', description: 'This instance (PUBLIC_URL)' }]);
  });

  it("when the document is linted with Redocly's recommended rules, then it has no errors and no warnings", async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: text, absoluteRef: 'openapi.json', config });
    const summary = problems
      .map((p) => `${p.severity} ${p.ruleId}: ${p.message} @ ${p.location[0]?.pointer ?? ''}`)
      // Starting an OAuth connection is a browser redirect to the consent screen: 302 only, by design.
      .filter((line) => !/^warn operation-2xx-response: .* @ #\/paths\/~1v1~1connect~1(google|microsoft)\/get\/responses$/.test(line));
    expect(summary).toEqual([]);
  }, 30_000);
});
