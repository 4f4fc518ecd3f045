import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// Hashing first gives equal-length inputs, so the comparison time says nothing about the token.
function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

// Only `Authorization: Bearer`. Hosted Upstash also takes `?_token=`, but @upstash/redis never
// sends it, and a token in a URL ends up in shell history, proxy logs and browser history.
export function createTokenCheck(expectedToken: string): (request: IncomingMessage) => boolean {
  const expected = digest(expectedToken);
  return (request) => {
    const presented = bearerToken(request.headers.authorization);
    return presented !== null && timingSafeEqual(digest(presented), expected);
  };
}

function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(.+)$/i);
  return match?.[1]?.trim() ?? null;
}
