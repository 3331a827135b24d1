/**
 * Signed links for emails ("we'll try async", "keep it", "stop these emails"): the payload
 * travels in the URL, authenticated with the vault's HMAC-SHA-256 (a key derived from
 * `UNMEET_SECRET`), so nobody can forge or alter one, and opening a link needs no login.
 * Each link carries the instant it was issued and stops working `LINK_TTL_MS` later: a link in
 * an old email (or one lifted from a mailbox) cannot act forever.
 */
import { fromBase64Url, toBase64Url, type TokenVault } from '../token-vault';

export interface LinkPayload {
  /** Workspace id. */
  w: string;
  /** Suggestion id. */
  s: string;
  /** Recipient address. */
  e: string;
  /** What the link does. */
  a: 'try-async' | 'keep' | 'opt-out';
  /**
   * When the link was issued (UTC ms). Links signed before issue times existed have none: they
   * count as expired (see `linkExpired`).
   */
  t?: number;
}

/** How long a signed action link works after it was issued: 30 days. */
export const LINK_TTL_MS = 30 * 86_400_000;

/**
 * Whether a link can no longer act at `now` (UTC ms): issued more than `LINK_TTL_MS` ago, or
 * without an issue time at all (signed before links expired: every such link is older than the
 * cutover, so treating it as expired only ends links that would be unbounded otherwise).
 */
export function linkExpired(payload: Pick<LinkPayload, 't'>, now: number): boolean {
  return payload.t === undefined || now - payload.t > LINK_TTL_MS;
}

export interface LinkSigner {
  /** A token for the payload; `t` (issue time) is required for every new link. */
  sign(payload: LinkPayload & { t: number }): Promise<string>;
  /** The payload of an authentic token; undefined for anything forged, altered or malformed. Expiry is the caller's check. */
  verify(token: string): Promise<LinkPayload | undefined>;
}

const encoder = new TextEncoder();

const ACTIONS = new Set(['try-async', 'keep', 'opt-out']);

export function createLinkSigner(vault: Pick<TokenVault, 'sign' | 'verify'>): LinkSigner {
  return {
    async sign(payload) {
      const body = toBase64Url(encoder.encode(JSON.stringify({ w: payload.w, s: payload.s, e: payload.e, a: payload.a, t: payload.t })));
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
        if (payload.t !== undefined && !Number.isSafeInteger(payload.t)) return undefined;
        return { w: payload.w, s: payload.s, e: payload.e, a: payload.a as LinkPayload['a'], ...(payload.t !== undefined ? { t: payload.t } : {}) };
      } catch {
        return undefined;
      }
    },
  };
}
