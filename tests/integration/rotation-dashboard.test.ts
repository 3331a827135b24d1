import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeWorkingHours } from '../../src/domain/working-hours';
import { createWorkspace } from '../../src/services/workspaces';
import { createTestApp } from '../helpers/app';
import { sessionHeaders, signedInPerson } from '../helpers/people';

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;
let cookie: string;

beforeEach(async () => {
  t = await createTestApp();
  const { workspace } = await createWorkspace(t.deps, { name: 'Rota' });
  for (const [email, name, timeZone] of [
    ['ana@rota.test', 'Ana', 'America/Los_Angeles'],
    ['lena@rota.test', 'Lena', 'Europe/London'],
    ['aiko@rota.test', 'Aiko', 'Asia/Tokyo'],
  ] as const) {
    await t.deps.repos.members.create(workspace.id, { email, name, timeZone, locale: 'en', workingHours: normalizeWorkingHours(undefined) }, t.clock.now);
  }
  cookie = (await signedInPerson(t.deps, workspace.id, 'manager', { email: 'mia@rota.test', name: 'Mia' })).cookie;
});
afterEach(() => t.close());

async function page(method: 'GET' | 'POST', path: string, form?: Record<string, string | string[]>, lang = 'en') {
  const headers: Record<string, string> = { ...sessionHeaders(cookie, method), 'accept-language': lang };
  let body: string | undefined;
  if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) params.append(k, x);
    body = params.toString();
  }
  const res = await t.app.request(`http://127.0.0.1:8787${path}`, { method, headers, body });
  return { res, text: await res.text() };
}
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const valueOf = (html: string, name: string) => new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html)?.[1];

describe('rotation page', () => {
  const form = (csrf: string, extra: Record<string, string> = {}) => ({
    _csrf: csrf,
    title: 'Design review',
    durationMinutes: '60',
    every: '2',
    unit: 'week',
    occurrences: '6',
    startDate: '2027-01-05',
    participant: ['ana@rota.test', 'lena@rota.test', 'aiko@rota.test'],
    ...extra,
  });

  it('when a preview is made, then the form keeps what was sent, dates say their zone, and the page says who carries what and each person\'s nights', async () => {
    const start = await page('GET', '/rotation');
    const sent = await page('POST', '/rotation', form(csrfOf(start.text)));
    expect(sent.res.status).toBe(303);
    const shown = await page('GET', sent.res.headers.get('location')!);
    expect(shown.res.status).toBe(200);
    expect(valueOf(shown.text, 'every')).toBe('2');
    expect(valueOf(shown.text, 'occurrences')).toBe('6');
    expect(valueOf(shown.text, 'startDate')).toBe('2027-01-05');
    expect(shown.text).toContain('First date (UTC)');
    expect(shown.text).toMatch(/<th scope="col">Date \(UTC\)<\/th>/);
    expect(shown.text).toContain('Who carries what');
    const who = /data-testid="rotation-who"[\s\S]*?<\/table>/.exec(shown.text)![0];
    for (const name of ['Ana', 'Lena', 'Aiko']) expect(who).toMatch(new RegExp(`${name}[\\s\\S]*?\\d+ / 6`));
    // In Indonesian, the explanation is Indonesian.
    const id = await page('GET', `${sent.res.headers.get('location')!}?lang=id`, undefined, 'id');
    expect(id.text).toMatch(/class="explanation" lang="id"[^>]*>[^<]*Siapa menanggung apa/);
  });

  it('when the form is invalid, then the errors are sentences naming the fields, not schema paths', async () => {
    const start = await page('GET', '/rotation');
    const bad = await page('POST', '/rotation', form(csrfOf(start.text), { occurrences: '500', startDate: '07/01/2027' }));
    expect(bad.res.status).toBe(422);
    expect(bad.text).toContain('Occurrences: enter a whole number from 1 to 104.');
    expect(bad.text).toContain('First date (UTC): enter a date as YYYY-MM-DD.');
    expect(bad.text).not.toMatch(/occurrences: Too big|startDate:/);
    // The values sent stay in the form.
    expect(valueOf(bad.text, 'occurrences')).toBe('500');
  });
});
