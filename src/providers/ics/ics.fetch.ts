/**
 * Fetch a remote ICS feed safely: http(s) only (webcal:// means https://), no private or
 * loopback destinations unless explicitly allowed (checked for the first URL and every
 * redirect hop), a size cap enforced while streaming, and one overall time limit.
 *
 * Runtime-neutral: DNS resolution is injected (`resolveHost`), because lookups are Node-only;
 * the Node entry point passes a `node:dns` based resolver, a Worker may pass a DoH one.
 *
 * Known limit: the address check and the connection resolve the name separately, so a DNS
 * answer that changes in between (rebinding) is not caught here; pinning the address needs a
 * runtime-specific dispatcher and belongs in the entry point if it is wanted.
 */
import { UnmeetError } from '../../domain/errors';
import { icsErrors } from '../../domain/error-codes/ics';

export interface FetchIcsDeps {
  fetch: typeof fetch;
  /** Resolve a host name to its IPv4/IPv6 addresses (e.g. `dns.lookup(host, { all: true })`). */
  resolveHost: (hostname: string) => Promise<string[]>;
  /** Allow private, loopback and link-local destinations (tests, local use). */
  allowPrivate: boolean;
  /** Largest accepted body in bytes; default 10 MiB. */
  maxBytes?: number;
  /** Time limit for the whole fetch, redirects and body included, in ms; default 15000. */
  timeoutMs?: number;
}

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 15_000;
export const MAX_REDIRECTS = 5;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

class Timeout extends Error {}

/** A feed's validators from its last answer (RFC 9110 §8.8), sent back as conditions on the next fetch. */
export interface FeedValidators {
  etag: string | null;
  lastModified: string | null;
}

/** The feed's text and validators, or `notModified` when the server answered 304 to our conditions. */
export type FetchedFeed = { notModified: false; text: string; validators: FeedValidators } | { notModified: true; validators: FeedValidators };

/**
 * Download an ICS feed and return its text.
 *
 * @throws UnmeetError `ics.url_forbidden` (not http/https, credentials in the URL, or a
 *   private/loopback/link-local/... destination), `ics.url_unreachable` (network failure,
 *   timeout, non-2xx status in `details.status`, too many redirects), `ics.too_large`,
 *   `ics.not_calendar` (the body does not start with BEGIN:VCALENDAR).
 */
export async function fetchIcs(url: string, deps: FetchIcsDeps): Promise<string> {
  const fetched = await fetchIcsFeed(url, deps);
  if (fetched.notModified) throw new Error('304 without conditions'); // fetchIcsFeed sends none here
  return fetched.text;
}

/**
 * Download an ICS feed, conditionally when `conditions` hold validators of a previous answer:
 * `If-None-Match` and `If-Modified-Since` are sent, and a 304 comes back as `notModified`
 * (nothing to read, nothing to parse). Same checks and errors as {@link fetchIcs}. One loop over
 * the redirect hops, each checked before it is followed; it runs past 80 lines because the
 * address check, the time limit and the streamed size cap all belong to the same hop.
 */
export async function fetchIcsFeed(url: string, deps: FetchIcsDeps, conditions?: FeedValidators): Promise<FetchedFeed> {
  const maxBytes = deps.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Timeout());
    }, timeoutMs);
  });
  timedOut.catch(() => undefined);
  const withTimeout = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, timedOut]);

  try {
    let current = normaliseUrl(url);
    for (let redirects = 0; ; redirects++) {
      await withTimeout(checkDestination(current, deps));
      let response: Response;
      try {
        response = await withTimeout(
          deps.fetch(current.href, {
            method: 'GET',
            redirect: 'manual',
            signal: controller.signal,
            headers: { accept: 'text/calendar, text/plain;q=0.9, */*;q=0.1', ...conditionHeaders(conditions) },
          }),
        );
      } catch (error) {
        if (error instanceof Timeout || error instanceof UnmeetError) throw error;
        if (controller.signal.aborted) throw new Timeout();
        throw unreachable(current, 'the server could not be reached');
      }

      if (REDIRECT_STATUSES.has(response.status)) {
        await discard(response);
        const location = response.headers.get('location');
        if (!location) throw unreachable(current, `redirect (HTTP ${response.status}) without a Location`, response.status);
        if (redirects >= MAX_REDIRECTS) throw unreachable(current, `more than ${MAX_REDIRECTS} redirects`);
        let next: URL;
        try {
          next = new URL(location, current);
        } catch {
          throw unreachable(current, 'redirect to an invalid URL');
        }
        current = normaliseUrl(next.href);
        continue;
      }

      if (response.status === 304 && conditions && (conditions.etag || conditions.lastModified)) {
        await discard(response);
        return { notModified: true, validators: validatorsOf(response, conditions) };
      }

      if (response.status < 200 || response.status > 299) {
        await discard(response);
        throw unreachable(current, `HTTP ${response.status}`, response.status);
      }

      const declared = Number(response.headers.get('content-length'));
      if (Number.isFinite(declared) && declared > maxBytes) {
        await discard(response);
        throw tooLarge(maxBytes);
      }
      const bytes = await withTimeout(readCapped(response, maxBytes, controller));
      const text = decode(bytes, response.headers.get('content-type'));
      if (!/^\s*BEGIN:VCALENDAR/i.test(text.replace(/^\uFEFF/, ''))) {
        throw icsErrors.not_calendar('The URL did not return an iCalendar file (no BEGIN:VCALENDAR).', {
          host: current.hostname,
        });
      }
      return { notModified: false, text, validators: validatorsOf(response, { etag: null, lastModified: null }) };
    }
  } catch (error) {
    if (error instanceof Timeout) {
      throw icsErrors.url_unreachable(`The calendar URL did not answer within ${timeoutMs} ms.`, {
        reason: 'timeout',
        timeoutMs,
      });
    }
    throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

function conditionHeaders(conditions: FeedValidators | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (conditions?.etag) headers['if-none-match'] = conditions.etag;
  if (conditions?.lastModified) headers['if-modified-since'] = conditions.lastModified;
  return headers;
}

/** The answer's validators; a 304 may omit them (RFC 9110 §15.4.5), and then the ones sent still hold. */
function validatorsOf(response: Response, previous: FeedValidators): FeedValidators {
  return {
    etag: response.headers.get('etag') ?? previous.etag,
    lastModified: response.headers.get('last-modified') ?? previous.lastModified,
  };
}

function normaliseUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input.trim().replace(/^webcals?:\/\//i, 'https://'));
  } catch {
    throw forbidden('not a valid URL', 'invalid_url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw forbidden(`the ${url.protocol.replace(/:$/, '')} scheme is not allowed (use http, https or webcal)`, 'scheme');
  }
  if (url.username || url.password) throw forbidden('URLs with credentials are not accepted', 'credentials');
  return url;
}

async function checkDestination(url: URL, deps: FetchIcsDeps): Promise<void> {
  if (deps.allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (parseIPv4(host) !== null || parseIPv6(host) !== null) {
    if (isPrivateAddress(host)) throw forbidden(`${host} is a private or local address`, 'private_address', host);
    return;
  }
  let addresses: string[];
  try {
    addresses = await deps.resolveHost(host);
  } catch {
    throw unreachable(url, `the host ${host} could not be resolved`);
  }
  if (addresses.length === 0) throw unreachable(url, `the host ${host} could not be resolved`);
  const blocked = addresses.find((address) => isPrivateAddress(address));
  if (blocked) throw forbidden(`${host} resolves to a private or local address`, 'private_address', host);
}

async function readCapped(response: Response, maxBytes: number, controller: AbortController): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      controller.abort();
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function decode(bytes: Uint8Array, contentType: string | null): string {
  const charset = /charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

function forbidden(why: string, reason: string, host?: string): UnmeetError {
  return icsErrors.url_forbidden(`This calendar URL is not allowed: ${why}.`, host ? { reason, host } : { reason });
}

function unreachable(url: URL, why: string, status?: number): UnmeetError {
  return icsErrors.url_unreachable(
    `The calendar at ${url.hostname} could not be fetched: ${why}.`,
    status === undefined ? { host: url.hostname } : { host: url.hostname, status },
  );
}

function tooLarge(maxBytes: number): UnmeetError {
  return icsErrors.too_large(`The calendar is larger than ${maxBytes} bytes.`, { maxBytes });
}

// ---------------------------------------------------------------------------------------------
// Address classification

/** Parse dotted-quad IPv4 into a 32-bit unsigned number, or null. */
function parseIPv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

/** Parse IPv6 (with `::`, an embedded dotted IPv4 tail and an optional zone id) into 8 groups, or null. */
function parseIPv6(text: string): number[] | null {
  let input = text.replace(/%.*$/, '');
  if (!input.includes(':')) return null;
  let tail: number[] = [];
  const dotted = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(input);
  if (dotted) {
    const v4 = parseIPv4(dotted[2] as string);
    if (v4 === null) return null;
    tail = [Math.floor(v4 / 65536), v4 % 65536];
    input = dotted[1] as string;
    if (!input.endsWith('::')) input = input.slice(0, -1); // drop the ':' before the IPv4 tail
  }
  const halves = input.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const groups = part.split(':');
    const out: number[] = [];
    for (const group of groups) {
      if (!/^[0-9a-f]{1,4}$/i.test(group)) return null;
      out.push(parseInt(group, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0] as string);
  const rest = halves.length === 2 ? parseGroups(halves[1] as string) : [];
  if (!head || !rest) return null;
  const present = head.length + rest.length + tail.length;
  if (halves.length === 2) {
    if (present > 7) return null;
    return [...head, ...new Array<number>(8 - present).fill(0), ...rest, ...tail];
  }
  if (present !== 8) return null;
  return [...head, ...tail];
}

const V4_BLOCKS: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (and cloud metadata)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
const V4_RANGES = V4_BLOCKS.map(([base, bits]) => {
  const size = 2 ** (32 - bits);
  const start = parseIPv4(base) as number;
  return [start, start + size] as const;
});

function isPrivateV4(value: number): boolean {
  return V4_RANGES.some(([start, end]) => value >= start && value < end);
}

/**
 * Whether an IP address is anything but a public unicast address: private (10/8, 172.16/12,
 * 192.168/16), loopback, link-local, CGNAT (100.64/10), unspecified, multicast, reserved and
 * documentation ranges; for IPv6 also unique-local (fc00::/7), link- and site-local, and IPv4
 * addresses embedded in IPv4-mapped/compatible, NAT64 (64:ff9b::/96) and 6to4 (2002::/16)
 * forms. Anything that does not parse as an IP address counts as private (fail closed).
 */
export function isPrivateAddress(ip: string): boolean {
  const text = ip.trim().replace(/^\[|\]$/g, '');
  const v4 = parseIPv4(text);
  if (v4 !== null) return isPrivateV4(v4);
  const g = parseIPv6(text);
  if (!g) return true;
  const [g0, g1, g2, g3, g4, g5, g6, g7] = g as [number, number, number, number, number, number, number, number];
  const embedded = g6 * 65536 + g7;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0) {
    if (g5 === 0xffff) return isPrivateV4(embedded); // ::ffff:a.b.c.d (IPv4-mapped)
    if (g5 === 0) {
      if (g6 === 0 && (g7 === 0 || g7 === 1)) return true; // :: and ::1
      return isPrivateV4(embedded); // ::a.b.c.d (deprecated IPv4-compatible)
    }
  }
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0) return isPrivateV4(embedded); // ::ffff:0:a.b.c.d
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return isPrivateV4(embedded); // NAT64
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return true; // local-use NAT64 (64:ff9b:1::/48)
  if (g0 === 0x2002) return isPrivateV4(g1 * 65536 + g2); // 6to4
  if ((g0 & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((g0 & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((g0 & 0xffc0) === 0xfec0) return true; // fec0::/10 site-local (deprecated)
  if ((g0 & 0xff00) === 0xff00) return true; // ff00::/8 multicast
  if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return true; // 100::/64 discard
  if (g0 === 0x2001 && g1 === 0xdb8) return true; // documentation
  if (g0 === 0x2001 && g1 < 0x200) return true; // 2001::/23 IETF protocol assignments (Teredo, ORCHID, ...)
  if ((g0 & 0xe000) !== 0x2000) return true; // outside 2000::/3, the only global unicast space
  return false;
}
