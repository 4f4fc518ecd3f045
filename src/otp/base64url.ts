/**
 * URL-safe base64 without padding (RFC 4648 §5): ids in URLs, tags in Redis keys, the receipt's
 * JWS parts. One pass over a lookup table each way: a verify encodes and decodes about 1.5 KB of
 * it (the id, the sealed binding, the receipt), and the `btoa` route (a string built byte by
 * byte, then three regular-expression replaces) was a visible share of its CPU.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const CHARS = Array.from(ALPHABET);
/** Character code → 6-bit value, 255 for a character outside the alphabet. */
const VALUES = new Uint8Array(128).fill(255);
for (let index = 0; index < ALPHABET.length; index++) VALUES[ALPHABET.charCodeAt(index)] = index;

export function base64url(bytes: Uint8Array): string {
  let out = '';
  const whole = bytes.length - (bytes.length % 3);
  let index = 0;
  for (; index < whole; index += 3) {
    const triple =
      ((bytes[index] as number) << 16) | ((bytes[index + 1] as number) << 8) | (bytes[index + 2] as number);
    out +=
      (CHARS[triple >>> 18] as string) +
      (CHARS[(triple >>> 12) & 63] as string) +
      (CHARS[(triple >>> 6) & 63] as string) +
      (CHARS[triple & 63] as string);
  }
  const rest = bytes.length - whole;
  if (rest === 1) {
    const first = bytes[index] as number;
    out += (CHARS[first >>> 2] as string) + (CHARS[(first & 3) << 4] as string);
  } else if (rest === 2) {
    const pair = ((bytes[index] as number) << 8) | (bytes[index + 1] as number);
    out +=
      (CHARS[pair >>> 10] as string) +
      (CHARS[(pair >>> 4) & 63] as string) +
      (CHARS[(pair & 15) << 2] as string);
  }
  return out;
}

/**
 * The bytes of a base64url string, or undefined when it is not one: a character outside the
 * alphabet (padding included) or a length no encoding has (4n + 1). Like `atob`, the unused low
 * bits of a last partial group are ignored.
 */
export function fromBase64url(text: string): Uint8Array | undefined {
  const length = text.length;
  if (length % 4 === 1) return undefined;
  const bytes = new Uint8Array(Math.floor((length * 3) / 4));
  let bits = 0;
  let held = 0;
  let written = 0;
  for (let index = 0; index < length; index++) {
    const code = text.charCodeAt(index);
    const value = code < 128 ? (VALUES[code] as number) : 255;
    if (value === 255) return undefined;
    bits = ((bits << 6) | value) & 0xffffff;
    held += 6;
    if (held >= 8) {
      held -= 8;
      bytes[written++] = (bits >>> held) & 0xff;
    }
  }
  return bytes;
}
