/**
 * A tiny browser over `app.request`: a cookie jar, the CSRF token read from a page, and signing
 * in with an API key through the dashboard's own form. Enough to drive POST-redirect-GET flows.
 */
type RequestableApp = { request: (input: string, init?: RequestInit) => Response | Promise<Response> };

export function dashboardBrowser(app: RequestableApp, lang = 'en', accept = 'text/html') {
  const jar = new Map<string, string>();
  const request = async (method: string, path: string, form?: Record<string, string>, headers: Record<string, string> = {}) => {
    const all: Record<string, string> = { 'accept-language': lang, accept, ...headers };
    if (jar.size > 0) all.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (form) {
      all['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const res = await app.request(`http://127.0.0.1:8787${path}`, { method, headers: all, body });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (value === '' || /max-age=0/i.test(cookie)) jar.delete(name);
      else jar.set(name, value);
    }
    return { status: res.status, location: res.headers.get('location'), type: res.headers.get('content-type') ?? '', headers: res.headers, text: await res.text() };
  };
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const signIn = async (key: string) => {
    const page = await request('GET', '/sign-in');
    return request('POST', '/sign-in', { _csrf: csrfOf(page.text), apiKey: key });
  };
  return { request, csrfOf, signIn, jar };
}
