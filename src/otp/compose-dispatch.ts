import type { Channel } from './channel.ts';
import type { SmsLocale } from './messages/templates.ts';
import { composeOtpMessage, type OtpMessageSettings } from './otp-message.ts';
import type { OtpPolicy } from './otp-policy.ts';
import type { CodeDispatch } from './ports.ts';
import type { Transaction } from './transaction.ts';

export interface DispatchSubject {
  e164: string;
  code: string;
  locale: SmsLocale;
  verificationId: string;
  /** When the code was issued: a call's answer URL expires with the code. */
  nowMs: number;
  transaction: Transaction | undefined;
}

/** What the chosen channel carries for one code: a first request and a channel switch alike. */
export function composeDispatch(
  channel: Channel,
  subject: DispatchSubject,
  deps: { policy: OtpPolicy; message: OtpMessageSettings },
): CodeDispatch {
  const { e164: to, code, locale } = subject;
  const { ttlSeconds } = deps.policy;
  switch (channel) {
    case 'sms':
      return {
        channel,
        to,
        text: composeOtpMessage(code, locale, deps.message, subject.transaction),
        ttlSeconds,
      };
    case 'whatsapp':
      return { channel, to, code, locale, ttlSeconds };
    case 'voice':
      return {
        channel,
        to,
        code,
        locale,
        verificationId: subject.verificationId,
        expiresAtMs: subject.nowMs + ttlSeconds * 1000,
      };
  }
}
