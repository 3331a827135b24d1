import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { isSecureRequest } from './session';

/** The cookie that remembers the language a visitor chose, on the dashboard and the sign-in pages alike. */
const LANG_COOKIE = 'um_lang';

/** The language the visitor chose: `?lang=` (remembered in the cookie for a year), else the cookie. */
export function chosenLanguage(c: Context, publicUrl: string): string | undefined {
  const query = c.req.query('lang');
  if (query === 'en' || query === 'id') {
    setCookie(c, LANG_COOKIE, query, { httpOnly: true, sameSite: 'Lax', path: '/', secure: isSecureRequest(c, publicUrl), maxAge: 365 * 86_400 });
  }
  return query ?? getCookie(c, LANG_COOKIE);
}
