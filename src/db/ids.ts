const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

/** Random text of `length` Crockford-base32 characters (5 bits each), from WebCrypto. */
export function randomToken(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (const byte of bytes) out += alphabet[byte & 31];
  return out;
}

/** `ms` as 10 Crockford-base32 characters (50 bits, good until the year 37648), most significant first. */
function timePart(ms: number): string {
  let out = '';
  let rest = Math.max(0, Math.floor(ms));
  for (let i = 0; i < 10; i++) {
    out = alphabet[rest % 32]! + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/** The next text of the same length in alphabet order; undefined when it was all 'z'. */
function increment(text: string): string | undefined {
  const chars = text.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    const next = alphabet.indexOf(chars[i]!) + 1;
    if (next < alphabet.length) {
      chars[i] = alphabet[next]!;
      return chars.join('');
    }
    chars[i] = alphabet[0]!;
  }
  return undefined;
}

// The last id's parts, so ids made in the same millisecond by this isolate still sort in the
// order they were made (rows created together, such as a workspace's first keys, list in order).
let last = { time: '', random: '' };

/**
 * A new row id such as `mem_01kb3x9q2m7fz...`: the prefix tells what a bare id in a log refers
 * to; then 10 characters of the creation time in ms and 16 random ones. The alphabet is in ASCII
 * order, so ids sort by creation time: lists ordered by (created_at, id) keep their order for rows
 * created within the same second (created_at has whole-second resolution). Older, fully random
 * ids stay valid; they just carry no order.
 */
export function newId(prefix: string, now: number = Date.now()): string {
  const time = timePart(now);
  let random = time === last.time ? increment(last.random) : undefined;
  if (random === undefined || time < last.time) random = randomToken(16);
  if (time >= last.time) last = { time, random };
  return `${prefix}_${time}${random}`;
}
