const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

/** Random text of `length` Crockford-base32 characters (5 bits each), from WebCrypto. */
export function randomToken(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (const byte of bytes) out += alphabet[byte & 31];
  return out;
}

/** A new row id such as `mem_4k2q...`: the prefix tells what a bare id in a log refers to. */
export const newId = (prefix: string): string => `${prefix}_${randomToken(20)}`;
