import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeWorkingHours } from '../../src/domain/working-hours';
import { allErrorCodes } from '../../src/domain/error-codes';
import { INDONESIAN_ERRORS } from '../../src/http/views/texts/errors';
import { createWorkspace } from '../../src/services/workspaces';
import { createTestApp } from '../helpers/app';

type T = Awaited<ReturnType<typeof createTestApp>>;

describe('the language a visitor chooses', () => {
  let t: T;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it.each(['/sign-in', '/auth/email/sent'])('when %s is opened with ?lang=id, then the choice is remembered: the next page without it is Indonesian too, whatever the browser asks for', async (path) => {
    const chosen = await t.app.request(`${path}?lang=id`, { headers: { 'accept-language': 'en' } });
    expect(await chosen.text()).toContain('lang="id"');
    const cookie = chosen.headers.getSetCookie().find((c) => c.startsWith('um_lang='));
    expect(cookie).toMatch(/^um_lang=id;.*HttpOnly/i);
    const next = await t.app.request(path, { headers: { 'accept-language': 'en', cookie: cookie!.split(';')[0]! } });
    expect(await next.text()).toContain('lang="id"');
  });

  it('when the catalog is read, then every error code has its Indonesian sentence, and no sentence names a code the catalog lacks', () => {
    const codes = allErrorCodes().map((f) => f.code).sort();
    expect(Object.keys(INDONESIAN_ERRORS).sort()).toEqual(codes);
  });

  it('when a form is refused on an Indonesian page, then the refusal is said in Indonesian, not in the service English', async () => {
    const { workspace, apiKey } = await createWorkspace(t.deps, { name: 'Acme' });
    const member = await t.deps.repos.members.create(workspace.id, { email: 'ayu@example.com', name: 'Ayu', timeZone: 'Asia/Jakarta', locale: 'id', workingHours: normalizeWorkingHours(undefined) }, t.clock.now);
    const jar = new Map<string, string>();
    const go = async (method: string, path: string, form?: Record<string, string>) => {
      const headers: Record<string, string> = { 'accept-language': 'id', cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
      if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
      const res = await t.app.request(`http://127.0.0.1:8787${path}`, { method, headers, body: form ? new URLSearchParams(form).toString() : undefined });
      for (const c of res.headers.getSetCookie()) {
        const [name = '', value = ''] = c.split(';')[0]!.split('=');
        jar.set(name, value);
      }
      return res.text();
    };
    const csrf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    await go('POST', '/sign-in', { _csrf: csrf(await go('GET', '/sign-in')), apiKey });
    const page = await go('POST', '/connections/ics', { _csrf: csrf(await go('GET', '/connections')), memberId: member.id, url: 'ftp://example.com/cal.ics' });
    expect(page).toContain(INDONESIAN_ERRORS['ics.invalid_url']);
    expect(page).not.toContain('Give an http(s) or webcal address');
  });
});
