/** The claims the demo shows, in this order; `aud` and `amr` only when the receipt has them. */
export type ClaimRow = readonly [name: string, value: string];

/**
 * The receipt's payload, read without checking its signature: the page only displays it. Trusting
 * a receipt is the backend's job, with the JWKS.
 */
function decodeJwtPayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (part.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  const payload: unknown = JSON.parse(new TextDecoder().decode(bytes));
  return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
}

function timeClaim(seconds: unknown): string {
  if (typeof seconds !== 'number') return '(missing)';
  return `${new Date(seconds * 1000).toLocaleString()} (${seconds})`;
}

const textClaim = (value: unknown) => (value === undefined ? '(missing)' : String(value));

export function receiptClaimRows(token: string): ClaimRow[] {
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwtPayload(token);
  } catch {
    claims = {};
  }
  const rows: ClaimRow[] = [
    ['sub', textClaim(claims.sub)],
    ['iat', timeClaim(claims.iat)],
    ['exp', timeClaim(claims.exp)],
    ['iss', textClaim(claims.iss)],
  ];
  if (claims.aud !== undefined) rows.push(['aud', String(claims.aud)]);
  // How the code reached the visitor ("sms", "voice" after "Call me instead").
  if (Array.isArray(claims.amr)) rows.push(['amr', claims.amr.join(', ')]);
  return rows;
}
