import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnmeetError } from '../../src/domain/errors';
import { fetchIcs, fetchIcsFeed, type FetchIcsDeps, isPrivateAddress } from '../../src/providers/ics/ics.fetch';

const CALENDAR = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n';

async function expectUnmeetError(promise: Promise<unknown>, code: string, details: Record<string, unknown> = {}): Promise<UnmeetError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected UnmeetError ${code}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnmeetError);
  expect((error as UnmeetError).code).toBe(code);
  expect((error as UnmeetError).details).toMatchObject(details);
  return error as UnmeetError;
}

const VALIDATED_ETAG = '"v1-2a9f"';
const VALIDATED_MODIFIED = 'Fri, 20 Nov 2026 08:00:00 GMT';

describe('fetchIcs against a local server', () => {
  let server: Server;
  const seenConditions: Array<{ ifNoneMatch: string | undefined; ifModifiedSince: string | undefined }> = [];
  let base: string;
  const sockets = new Set<import('node:net').Socket>();

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/cal.ics': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8' });
      res.end(CALENDAR);
    },
    '/bom.ics': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/calendar' });
      res.end(`\uFEFF\r\n  ${CALENDAR}`);
    },
    '/latin1.ics': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/calendar; charset=iso-8859-1' });
      res.end(Buffer.from(`${CALENDAR.replace('PRODID:-//test//EN', 'X-WR-CALNAME:Caf\u00e9')}`, 'latin1'));
    },
    '/relative': (_req, res) => {
      res.writeHead(301, { location: 'cal.ics' });
      res.end();
    },
    '/no-location': (_req, res) => {
      res.writeHead(302);
      res.end();
    },
    '/big': (_req, res) => {
      // 2 MiB streamed in chunks, no Content-Length.
      res.writeHead(200, { 'content-type': 'text/calendar' });
      res.write('BEGIN:VCALENDAR\r\n');
      const chunk = `X-PAD:${'x'.repeat(1020)}\r\n`;
      let sent = 0;
      const pump = () => {
        while (sent < 2048) {
          sent += 1;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end('END:VCALENDAR\r\n');
      };
      pump();
    },
    '/big-declared': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/calendar', 'content-length': String(50 * 1024 * 1024) });
      res.write('BEGIN:VCALENDAR\r\n'); // and never the rest
    },
    '/slow-headers': (_req, res) => {
      const timer = setTimeout(() => {
        res.writeHead(200);
        res.end(CALENDAR);
      }, 3_000);
      res.on('close', () => clearTimeout(timer));
    },
    '/slow-body': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/calendar' });
      res.write('BEGIN:VCALENDAR\r\n'); // then stalls
    },
    '/html': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><body>Sign in</body></html>');
    },
    // A host that validates as RFC 9110 asks: ETag and Last-Modified, 304 to a matching condition.
    '/validated.ics': (req, res) => {
      seenConditions.push({ ifNoneMatch: req.headers['if-none-match'], ifModifiedSince: req.headers['if-modified-since'] });
      const validators = { etag: VALIDATED_ETAG, 'last-modified': VALIDATED_MODIFIED };
      const match = req.headers['if-none-match'];
      const since = req.headers['if-modified-since'];
      const fresh = match !== undefined ? match === VALIDATED_ETAG : since !== undefined && Date.parse(since) >= Date.parse(VALIDATED_MODIFIED);
      res.writeHead(fresh ? 304 : 200, fresh ? validators : { ...validators, 'content-type': 'text/calendar' });
      res.end(fresh ? undefined : CALENDAR);
    },
    '/not-modified-anyway': (_req, res) => {
      res.writeHead(304);
      res.end();
    },
    '/error': (_req, res) => {
      res.writeHead(500);
      res.end('boom: stack trace that must not leak');
    },
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const hops = /^\/redirect\/(\d+)$/.exec(path);
      if (hops) {
        const n = Number(hops[1]);
        res.writeHead(302, { location: n > 1 ? `/redirect/${n - 1}` : '/cal.ics' });
        res.end();
        return;
      }
      const route = routes[path];
      if (route) route(req, res);
      else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
      }
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const deps = (overrides: Partial<FetchIcsDeps> = {}): FetchIcsDeps => ({
    fetch: globalThis.fetch,
    resolveHost: async () => {
      throw new Error('no DNS in these tests');
    },
    allowPrivate: true,
    ...overrides,
  });

  it('when the URL serves a calendar, then its text is returned', async () => {
    await expect(fetchIcs(`${base}/cal.ics`, deps())).resolves.toBe(CALENDAR);
  });

  it('when fetched without conditions, then the text comes with the ETag and Last-Modified to send next time', async () => {
    await expect(fetchIcsFeed(`${base}/validated.ics`, deps())).resolves.toEqual({
      notModified: false,
      text: CALENDAR,
      validators: { etag: VALIDATED_ETAG, lastModified: VALIDATED_MODIFIED },
    });
    expect(seenConditions.at(-1)).toEqual({ ifNoneMatch: undefined, ifModifiedSince: undefined });
  });

  it('when the stored ETag still matches, then If-None-Match is sent and the 304 comes back as not modified', async () => {
    const fetched = await fetchIcsFeed(`${base}/validated.ics`, deps(), { etag: VALIDATED_ETAG, lastModified: VALIDATED_MODIFIED });
    expect(fetched).toEqual({ notModified: true, validators: { etag: VALIDATED_ETAG, lastModified: VALIDATED_MODIFIED } });
    expect(seenConditions.at(-1)).toEqual({ ifNoneMatch: VALIDATED_ETAG, ifModifiedSince: VALIDATED_MODIFIED });
  });

  it('when only Last-Modified is stored, then If-Modified-Since alone is sent and the 304 is honoured', async () => {
    const fetched = await fetchIcsFeed(`${base}/validated.ics`, deps(), { etag: null, lastModified: VALIDATED_MODIFIED });
    expect(fetched.notModified).toBe(true);
    expect(seenConditions.at(-1)).toEqual({ ifNoneMatch: undefined, ifModifiedSince: VALIDATED_MODIFIED });
  });

  it('when the stored ETag is stale, then the new text and validators come back', async () => {
    const fetched = await fetchIcsFeed(`${base}/validated.ics`, deps(), { etag: '"v0-old"', lastModified: null });
    expect(fetched).toMatchObject({ notModified: false, text: CALENDAR, validators: { etag: VALIDATED_ETAG } });
  });

  it('when a server answers 304 to a request without conditions, then the URL is unreachable (there is nothing to keep)', async () => {
    await expectUnmeetError(fetchIcsFeed(`${base}/not-modified-anyway`, deps()), 'ics.url_unreachable', { status: 304 });
    await expectUnmeetError(fetchIcsFeed(`${base}/not-modified-anyway`, deps(), { etag: null, lastModified: null }), 'ics.url_unreachable', { status: 304 });
  });

  it('when the body starts with a BOM and whitespace, then it is still a calendar', async () => {
    await expect(fetchIcs(`${base}/bom.ics`, deps())).resolves.toContain('BEGIN:VCALENDAR');
  });

  it('when the server declares a charset, then the body is decoded with it', async () => {
    await expect(fetchIcs(`${base}/latin1.ics`, deps())).resolves.toContain('X-WR-CALNAME:Caf\u00e9');
  });

  it('when the server redirects up to five times, then the redirects are followed', async () => {
    await expect(fetchIcs(`${base}/redirect/5`, deps())).resolves.toBe(CALENDAR);
    await expect(fetchIcs(`${base}/relative`, deps())).resolves.toBe(CALENDAR);
  });

  it('when the server redirects more than five times, then the fetch gives up', async () => {
    await expectUnmeetError(fetchIcs(`${base}/redirect/6`, deps()), 'ics.url_unreachable');
  });

  it('when a redirect has no Location, then the URL is unreachable', async () => {
    await expectUnmeetError(fetchIcs(`${base}/no-location`, deps()), 'ics.url_unreachable', { status: 302 });
  });

  it('when the streamed body exceeds maxBytes, then the download is aborted', async () => {
    await expectUnmeetError(fetchIcs(`${base}/big`, deps({ maxBytes: 1024 * 1024 })), 'ics.too_large', { maxBytes: 1024 * 1024 });
    await expect(fetchIcs(`${base}/big`, deps({ maxBytes: 4 * 1024 * 1024 }))).resolves.toHaveLength(17 + 2048 * 1028 + 15);
  });

  it('when Content-Length already exceeds the default 10 MiB, then nothing is downloaded', async () => {
    await expectUnmeetError(fetchIcs(`${base}/big-declared`, deps()), 'ics.too_large');
  });

  it('when the server is slow to answer, then the fetch times out', async () => {
    const started = Date.now();
    await expectUnmeetError(fetchIcs(`${base}/slow-headers`, deps({ timeoutMs: 300 })), 'ics.url_unreachable', { reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('when the body stalls, then the fetch times out', async () => {
    await expectUnmeetError(fetchIcs(`${base}/slow-body`, deps({ timeoutMs: 300 })), 'ics.url_unreachable', { reason: 'timeout' });
  });

  it('when the URL serves something else, then it is not a calendar', async () => {
    await expectUnmeetError(fetchIcs(`${base}/html`, deps()), 'ics.not_calendar');
  });

  it.each([
    ['/missing.ics', 404],
    ['/error', 500],
  ])('when %s answers %s, then the URL is unreachable with that status', async (path, status) => {
    const error = await expectUnmeetError(fetchIcs(`${base}${path}`, deps()), 'ics.url_unreachable', { status });
    expect(error.message).not.toContain('stack trace');
  });

  it('when nothing listens on the port, then the URL is unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expectUnmeetError(fetchIcs(`http://127.0.0.1:${port}/cal.ics`, deps()), 'ics.url_unreachable');
  });

  it('when private addresses are not allowed, then the local server is refused before any request', async () => {
    await expectUnmeetError(fetchIcs(`${base}/cal.ics`, deps({ allowPrivate: false })), 'ics.url_forbidden', {
      reason: 'private_address',
    });
  });
});

describe('fetchIcs URL and address guard', () => {
  /** A fetch that must not be called, or answers from a script, recording URLs. */
  function scriptedFetch(answers: Array<() => Response> = []) {
    const calls: string[] = [];
    const fetch = (async (input: string | URL | Request) => {
      calls.push(String(input));
      const answer = answers.shift();
      if (!answer) throw new Error(`unexpected fetch of ${String(input)}`);
      return answer();
    }) as typeof globalThis.fetch;
    return { fetch, calls };
  }
  const dns =
    (table: Record<string, string[]>) =>
    async (host: string): Promise<string[]> => {
      const answer = table[host];
      if (!answer) throw new Error(`ENOTFOUND ${host}`);
      return answer;
    };
  const calendarResponse = () => new Response(CALENDAR, { status: 200, headers: { 'content-type': 'text/calendar' } });

  it('when the URL is webcal://, then it is fetched over https', async () => {
    const { fetch, calls } = scriptedFetch([calendarResponse]);
    const text = await fetchIcs('webcal://calendar.example/feed.ics', {
      fetch,
      resolveHost: dns({ 'calendar.example': ['93.184.216.34'] }),
      allowPrivate: false,
    });
    expect(text).toBe(CALENDAR);
    expect(calls).toEqual(['https://calendar.example/feed.ics']);
  });

  it('when the host resolves to public addresses only, then the fetch goes ahead', async () => {
    const { fetch, calls } = scriptedFetch([calendarResponse]);
    await fetchIcs('https://calendar.example/a.ics', {
      fetch,
      resolveHost: dns({ 'calendar.example': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'] }),
      allowPrivate: false,
    });
    expect(calls).toHaveLength(1);
  });

  it.each([
    ['ftp://calendar.example/a.ics', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['javascript:alert(1)', 'scheme'],
    ['not a url', 'invalid_url'],
    ['https://user:secret@calendar.example/a.ics', 'credentials'],
  ])('when the URL is %s, then it is refused (%s)', async (url, reason) => {
    const { fetch, calls } = scriptedFetch();
    await expectUnmeetError(fetchIcs(url, { fetch, resolveHost: dns({}), allowPrivate: true }), 'ics.url_forbidden', { reason });
    expect(calls).toEqual([]);
  });

  it.each([
    'http://127.0.0.1/a.ics',
    'http://10.1.2.3/a.ics',
    'http://169.254.169.254/latest/meta-data/',
    'http://192.168.0.10/a.ics',
    'http://[::1]/a.ics',
    'http://[fc00::1]/a.ics',
    'http://[fe80::1]/a.ics',
    'http://[::ffff:127.0.0.1]/a.ics',
    'http://0x7f.1/a.ics', // WHATWG URL normalises these spellings to 127.0.0.1
    'http://2130706433/a.ics',
    'http://0.0.0.0/a.ics',
  ])('when the URL names a private address literally (%s), then it is refused without DNS or fetch', async (url) => {
    const { fetch, calls } = scriptedFetch();
    await expectUnmeetError(fetchIcs(url, { fetch, resolveHost: dns({}), allowPrivate: false }), 'ics.url_forbidden', {
      reason: 'private_address',
    });
    expect(calls).toEqual([]);
  });

  it.each([
    [['10.0.0.5']],
    [['127.0.0.1']],
    [['169.254.10.20']],
    [['192.168.1.1']],
    [['100.64.0.1']],
    [['::1']],
    [['fc00::1']],
    [['::ffff:127.0.0.1']],
    [['93.184.216.34', '192.168.1.1']], // one bad answer is enough
  ])('when the host resolves to %j, then it is refused', async (addresses) => {
    const { fetch, calls } = scriptedFetch();
    await expectUnmeetError(
      fetchIcs('https://intranet.example/a.ics', { fetch, resolveHost: dns({ 'intranet.example': addresses }), allowPrivate: false }),
      'ics.url_forbidden',
      { reason: 'private_address', host: 'intranet.example' },
    );
    expect(calls).toEqual([]);
  });

  it('when a redirect points at a private address, then the hop is refused', async () => {
    const { fetch, calls } = scriptedFetch([
      () => new Response(null, { status: 302, headers: { location: 'https://internal.example/secret.ics' } }),
    ]);
    await expectUnmeetError(
      fetchIcs('https://calendar.example/a.ics', {
        fetch,
        resolveHost: dns({ 'calendar.example': ['93.184.216.34'], 'internal.example': ['10.9.8.7'] }),
        allowPrivate: false,
      }),
      'ics.url_forbidden',
      { host: 'internal.example' },
    );
    expect(calls).toEqual(['https://calendar.example/a.ics']);
  });

  it('when a redirect points at a literal metadata address or another scheme, then it is refused', async () => {
    const redirectTo = (location: string) => scriptedFetch([() => new Response(null, { status: 307, headers: { location } })]);
    const resolveHost = dns({ 'calendar.example': ['93.184.216.34'] });
    const metadata = redirectTo('http://169.254.169.254/latest/meta-data/');
    await expectUnmeetError(fetchIcs('https://calendar.example/a.ics', { fetch: metadata.fetch, resolveHost, allowPrivate: false }), 'ics.url_forbidden');
    const file = redirectTo('file:///etc/passwd');
    await expectUnmeetError(fetchIcs('https://calendar.example/a.ics', { fetch: file.fetch, resolveHost, allowPrivate: false }), 'ics.url_forbidden', {
      reason: 'scheme',
    });
  });

  it('when the host does not resolve, then the URL is unreachable', async () => {
    const { fetch } = scriptedFetch();
    await expectUnmeetError(fetchIcs('https://nowhere.example/a.ics', { fetch, resolveHost: dns({}), allowPrivate: false }), 'ics.url_unreachable');
    await expectUnmeetError(
      fetchIcs('https://empty.example/a.ics', { fetch, resolveHost: dns({ 'empty.example': [] }), allowPrivate: false }),
      'ics.url_unreachable',
    );
  });

  it('when DNS hangs, then the time limit still applies', async () => {
    const { fetch } = scriptedFetch();
    await expectUnmeetError(
      fetchIcs('https://slow-dns.example/a.ics', { fetch, resolveHost: () => new Promise(() => undefined), allowPrivate: false, timeoutMs: 100 }),
      'ics.url_unreachable',
      { reason: 'timeout' },
    );
  });
});

describe('isPrivateAddress', () => {
  it.each([
    // IPv4 private, loopback, link-local, CGNAT, unspecified, multicast, reserved
    ['10.0.0.1', true],
    ['10.255.255.255', true],
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['169.254.169.254', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['192.168.1.1', true],
    ['100.64.0.1', true],
    ['100.127.255.255', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['239.255.255.250', true],
    ['255.255.255.255', true],
    ['198.18.0.1', true],
    ['192.0.2.1', true],
    // IPv4 public, including neighbours of the private blocks
    ['8.8.8.8', false],
    ['93.184.216.34', false],
    ['172.15.255.255', false],
    ['172.32.0.0', false],
    ['100.63.255.255', false],
    ['100.128.0.0', false],
    ['169.253.255.255', false],
    ['11.0.0.1', false],
    ['192.169.0.1', false],
    // IPv6
    ['::', true],
    ['::1', true],
    ['[::1]', true],
    ['fc00::1', true],
    ['fd12:3456:789a::1', true],
    ['fe80::1', true],
    ['fe80::1%eth0', true],
    ['fec0::1', true],
    ['ff02::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:10.0.0.1', true],
    ['::ffff:0a00:0001', true],
    ['::127.0.0.1', true],
    ['64:ff9b::10.0.0.1', true],
    ['2002:c0a8:0101::1', true], // 6to4 of 192.168.1.1
    ['2001:db8::1', true],
    ['100::1', true],
    ['2606:4700:4700::1111', false],
    ['2001:4860:4860::8888', false],
    ['::ffff:8.8.8.8', false],
    ['64:ff9b::8.8.8.8', false],
    ['2002:0808:0808::1', false],
    // Not an address at all: fail closed
    ['localhost', true],
    ['999.1.1.1', true],
    ['1.2.3', true],
    ['1::2::3', true],
    ['', true],
  ])('when the address is %s, then private is %s', (ip, expected) => {
    expect(isPrivateAddress(ip)).toBe(expected);
  });
});
