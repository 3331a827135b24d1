/**
 * Signed links for emails ("we'll try async", "keep it", "stop these emails"): the payload
 * travels in the URL, authenticated with the vault's HMAC-SHA-256 (a key derived from
 * `UNMEET_SECRET`), so nobody can forge or alter one, and opening a link needs no login.
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

import { fromBase64Url, toBase64Url, type TokenVault } from '../token-vault';

const ACTIONS = new Set(['try-async', 'keep', 'opt-out']);

export function createLinkSigner(vault: Pick<TokenVault, 'sign' | 'verify'>): LinkSigner {
  return {
    async sign(payload) {
      const body = toBase64Url(encoder.encode(JSON.stringify(payload)));
      return `${body}.${await vault.sign(`link:${body}`)}`;
    },
    async verify(token) {
      if (typeof token !== 'string' || token.length > 2000) return undefined;
      const [body, mac, extra] = token.split('.');
      if (!body || !mac || extra !== undefined || !/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]+$/.test(mac)) return undefined;
      try {
        if (!(await vault.verify(`link:${body}`, mac))) return undefined;
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
