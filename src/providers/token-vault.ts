/**
 * Encrypts credentials at rest (OAuth tokens, private ICS subscription URLs) with AES-256-GCM
 * through WebCrypto, so the same code runs on Node and Workers. Keys are derived from
 * `UNMEET_SECRET` with HKDF-SHA-256. The sealed form is `v2.<key id>.<iv>.<ciphertext>`
 * (base64url): the key id names the secret it was sealed under, so a vault built with the new
 * secret and the previous ones opens everything while `unmeet rotate-secret` re-seals, and the
 * secret can change without downtime. The row id is bound as additional data, so a sealed value
 * copied into another row does not open. The same secrets also key an HMAC (a separate HKDF
 * derivation) for signed states and links; signatures by a previous secret verify too.
 */
export interface TokenVault {
  seal(plaintext: string, context: string): Promise<string>;
  open(sealed: string, context: string): Promise<string>;
  /** Whether a sealed value was sealed under the current secret (else `rotate-secret` re-seals it). */
  isCurrent(sealed: string): boolean;
  /** HMAC-SHA-256 of `data` (base64url) under a key derived from the secret: unforgeable links and states. */
  sign(data: string): Promise<string>;
  /** Whether `signature` is `sign(data)` under the current or a previous secret (constant time). */
  verify(data: string, signature: string): Promise<boolean>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** base64url without padding (RFC 4648 §5): safe in URLs, headers and cookies. */
export const toBase64Url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');

export const fromBase64Url = (text: string): Uint8Array<ArrayBuffer> => {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
};

export class VaultError extends Error {}

interface Keyring {
  id: string;
  aes: CryptoKey;
  hmac: CryptoKey;
}

async function deriveKeys(secret: string): Promise<Keyring> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey']);
  const derive = (salt: string, algorithm: { name: string; length: number; hash?: string }, usages: Array<'encrypt' | 'decrypt' | 'sign' | 'verify'>) =>
    crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: encoder.encode(salt), info: encoder.encode('v1') }, material, algorithm, false, usages);
  // The key id is a hash of a derived value, not of the secret itself.
  const idBytes = await crypto.subtle.digest('SHA-256', encoder.encode(`unmeet/key-id/${secret}`));
  return {
    id: toBase64Url(new Uint8Array(idBytes).slice(0, 6)),
    aes: await derive('unmeet/token-vault', { name: 'AES-GCM', length: 256 }, ['encrypt', 'decrypt']),
    hmac: await derive('unmeet/signing', { name: 'HMAC', hash: 'SHA-256', length: 256 }, ['sign', 'verify']),
  };
}

/** A vault sealing with `secret` and opening with it or any of `previous` (during a rotation). */
export async function createTokenVault(secret: string, previous: readonly string[] = []): Promise<TokenVault> {
  const current = await deriveKeys(secret);
  const all = [current, ...(await Promise.all(previous.filter((p) => p !== secret).map(deriveKeys)))];
  const decrypt = async (keyring: Keyring, iv: string, ciphertext: string, context: string) =>
    decoder.decode(
      await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64Url(iv), additionalData: encoder.encode(context) }, keyring.aes, fromBase64Url(ciphertext)),
    );
  return {
    async seal(plaintext, context) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(context) }, current.aes, encoder.encode(plaintext));
      return `v2.${current.id}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ciphertext))}`;
    },
    async open(sealed, context) {
      const parts = sealed.split('.');
      // v1 values (before key ids) carry no id: try every key.
      const [candidates, iv, ciphertext] =
        parts[0] === 'v2' && parts.length === 4
          ? [all.filter((k) => k.id === parts[1]), parts[2], parts[3]]
          : parts[0] === 'v1' && parts.length === 3
            ? [all, parts[1], parts[2]]
            : [[], undefined, undefined];
      if (!iv || !ciphertext) throw new VaultError('unrecognised sealed value');
      for (const keyring of candidates) {
        try {
          return await decrypt(keyring, iv, ciphertext, context);
        } catch {
          // the next key, if any
        }
      }
      throw new VaultError('sealed value does not open with the configured secrets');
    },
    isCurrent: (sealed) => sealed.startsWith(`v2.${current.id}.`),
    async sign(data) {
      return toBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', current.hmac, encoder.encode(data))));
    },
    async verify(data, signature) {
      let bytes: Uint8Array<ArrayBuffer>;
      try {
        bytes = fromBase64Url(signature);
      } catch {
        return false;
      }
      for (const keyring of all) {
        if (await crypto.subtle.verify('HMAC', keyring.hmac, bytes, encoder.encode(data))) return true;
      }
      return false;
    },
  };
}
