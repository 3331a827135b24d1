const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/**
 * A deterministic client id for an event unmeet writes: `prefix` + 26 base32hex characters of
 * SHA-256 over `key`. Valid as a Google event id (base32hex, 5–1024 characters) and as a Graph
 * transactionId; the same key always gives the same id, so a retried or concurrent insert is
 * answered "duplicate" (or replayed) instead of creating a second event.
 */
export async function ownedEventId(prefix: string, key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)));
  const length = prefix.length + 26;
  let bits = 0;
  let value = 0;
  let out = prefix;
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += BASE32HEX[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= 0xff;
  }
  return out;
}
