import { gsm7Length } from './gsm7.ts';

export interface OtpMessageSettings {
  appName: string;
  ttlSeconds: number;
  /** Origin-bound last line for the WebOTP API and iOS/Android autofill. */
  webOtpDomain?: string | undefined;
  /** Android SMS Retriever app hash (11 characters). */
  androidAppHash?: string | undefined;
}

/** Plivo bills per segment; one GSM-7 segment holds 160 characters. */
export const SINGLE_SEGMENT_LIMIT = 160;

export function composeOtpMessage(code: string, settings: OtpMessageSettings): string {
  const minutes = Math.max(1, Math.ceil(settings.ttlSeconds / 60));
  const lines = [
    `${code} is your ${settings.appName} verification code. It expires in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`,
  ];
  // The WebOTP format requires the origin-bound line to be the LAST line, so the Android hash
  // (which only needs to appear somewhere in the message) goes before it.
  if (settings.androidAppHash) lines.push(settings.androidAppHash);
  if (settings.webOtpDomain) lines.push('', `@${settings.webOtpDomain} #${code}`);
  return lines.join('\n');
}

/**
 * Checked when config loads, not when a user is waiting: a message that is not GSM-7 or needs a
 * second segment costs double (or triple, as UCS-2) on every send.
 */
export function checkOtpMessageFits(codeLength: number, settings: OtpMessageSettings): string | undefined {
  const sample = composeOtpMessage('0'.repeat(codeLength), settings);
  const length = gsm7Length(sample);
  if (length === undefined) return 'the SMS text contains characters outside GSM-7 (check APP_NAME)';
  if (length > SINGLE_SEGMENT_LIMIT) {
    return `the SMS text needs ${length} GSM-7 characters, more than one segment (${SINGLE_SEGMENT_LIMIT}); shorten APP_NAME or WEBOTP_DOMAIN`;
  }
  return undefined;
}
