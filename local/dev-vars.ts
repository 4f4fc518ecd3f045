import { generateOtpSecret, generateReceiptKey } from '../scripts/keygen.ts';

/** A first `.dev.vars` for local development: fresh secrets, never committed. */
export async function generateDevVars(): Promise<string> {
  const key = await generateReceiptKey();
  return [
    '# Local secrets for `npm run dev` (generated; see .dev.vars.example for every setting).',
    `OTP_SECRET=${generateOtpSecret()}`,
    `RECEIPT_SIGNING_KEY='${JSON.stringify(key.privateJwk)}'`,
    '',
  ].join('\n');
}
