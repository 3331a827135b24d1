/**
 * Encrypts credentials at rest (OAuth tokens, private ICS subscription URLs) with AES-256-GCM
 * through WebCrypto, so the same code runs on Node and Workers. The key is derived from
 * `UNMEET_SECRET` with HKDF-SHA-256; the sealed form is `v1.<iv>.<ciphertext>` in base64url.
 * The row id is bound as additional data, so a sealed value copied into another row does not open.
 * The same secret also keys an HMAC (a separate HKDF derivation) for signed states and links.
 */
export interface TokenVault {
  seal(plaintext: string, context: string): Promise<string>;
  open(sealed: string, context: string): Promise<string>;
  /** HMAC-SHA-256 of `data` (base64url) under a key derived from the same secret: unforgeable links and states. */
  sign(data: string): Promise<string>;
  /** Whether `signature` is `sign(data)`, compared in constant time. */
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

export async function createTokenVault(secret: string): Promise<TokenVault> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey']);
  const key = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('unmeet/token-vault'), info: encoder.encode('v1') },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
  const hmac = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('unmeet/signing'), info: encoder.encode('v1') },
    material,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign', 'verify'],
  );
  return {
    async sign(data) {
      return toBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', hmac, encoder.encode(data))));
    },
    async verify(data, signature) {
      try {
        return await crypto.subtle.verify('HMAC', hmac, fromBase64Url(signature), encoder.encode(data));
      } catch {
        return false;
      }
    },
    async seal(plaintext, context) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ciphertext = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: encoder.encode(context) },
        key,
        encoder.encode(plaintext),
      );
      return `v1.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ciphertext))}`;
    },
    async open(sealed, context) {
      const [version, iv, ciphertext] = sealed.split('.');
      if (version !== 'v1' || !iv || !ciphertext) throw new VaultError('unrecognised sealed value');
      try {
        const plaintext = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: fromBase64Url(iv), additionalData: encoder.encode(context) },
          key,
          fromBase64Url(ciphertext),
        );
        return decoder.decode(plaintext);
      } catch {
        throw new VaultError('sealed value does not open with this secret');
      }
    },
  };
}
