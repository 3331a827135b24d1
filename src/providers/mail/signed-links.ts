/**
 * Signed links for emails ("we'll try async", "keep it", "stop these emails"): the payload
 * travels in the URL, authenticated with HMAC-SHA-256 under a key derived (HKDF) from
 * `UNMEET_SECRET`, so nobody can forge or alter one, and opening a link needs no login.
 * WebCrypto only, so it runs on Node and Workers alike.
 */
export interface LinkPayload {
  /** Workspace id. */
  w: string;
  /** Suggestion id. */
  s: string;
  /** Recipient address. */
  e: string;
  /** What the link does. */
  a: 'try-async' | 'keep' | 'opt-out';
}

export interface LinkSigner {
  sign(payload: LinkPayload): Promise<string>;
  /** The payload of an authentic token; undefined for anything forged, altered or malformed. */
  verify(token: string): Promise<LinkPayload | undefined>;
}

const encoder = new TextEncoder();

const toBase64Url = (bytes: Uint8Array): string => {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
};
const fromBase64Url = (text: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0));

const ACTIONS = new Set(['try-async', 'keep', 'opt-out']);

export async function createLinkSigner(secret: string): Promise<LinkSigner> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey']);
  const key = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('unmeet/signed-links'), info: encoder.encode('v1') },
    material,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign', 'verify'],
  );
  return {
    async sign(payload) {
      const body = toBase64Url(encoder.encode(JSON.stringify(payload)));
      const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(body)));
      return `${body}.${toBase64Url(mac)}`;
    },
    async verify(token) {
      if (typeof token !== 'string' || token.length > 2000) return undefined;
      const [body, mac, extra] = token.split('.');
      if (!body || !mac || extra !== undefined || !/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]+$/.test(mac)) return undefined;
      try {
        if (!(await crypto.subtle.verify('HMAC', key, fromBase64Url(mac), encoder.encode(body)))) return undefined;
        const payload = JSON.parse(new TextDecoder().decode(fromBase64Url(body))) as Partial<LinkPayload>;
        if (typeof payload.w !== 'string' || typeof payload.s !== 'string' || typeof payload.e !== 'string' || !ACTIONS.has(String(payload.a))) {
          return undefined;
        }
        return payload as LinkPayload;
      } catch {
        return undefined;
      }
    },
  };
}
