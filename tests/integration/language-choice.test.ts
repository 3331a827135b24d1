import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
});
