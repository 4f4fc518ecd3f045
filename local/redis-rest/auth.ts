import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// Hashing first gives equal-length inputs, so the comparison time says nothing about the token.
function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export function createTokenCheck(expectedToken: string): (request: IncomingMessage, url: URL) => boolean {
  const expected = digest(expectedToken);
  return (request, url) => {
    const presented = bearerToken(request.headers.authorization) ?? url.searchParams.get('_token');
    return presented !== null && timingSafeEqual(digest(presented), expected);
  };
}

function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(.+)$/i);
  return match?.[1]?.trim() ?? null;
}
