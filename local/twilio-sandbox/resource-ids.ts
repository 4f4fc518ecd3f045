// How Twilio names and dates its REST resources: a SID is a two-letter type prefix and 32 hex
// digits (SM message, CA call, ^CA[0-9a-fA-F]{32}$ in twilio-oai's spec/json/twilio_api_v2010.json),
// and dates are RFC 2822 in GMT ("Thu, 24 Aug 2023 05:01:45 +0000").

import { randomBytes } from 'node:crypto';

export type SidPrefix = 'SM' | 'CA';

export function newSid(prefix: SidPrefix): string {
  return prefix + randomBytes(16).toString('hex');
}

export function rfc2822(at: Date): string {
  return at.toUTCString().replace(/GMT$/, '+0000');
}

export const API_VERSION = '2010-04-01';
