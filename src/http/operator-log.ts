import type { OperatorLog } from '../otp/ports.ts';
import { maskPhone } from '../phone/mask-phone.ts';
import type { RequestLog } from './app-env.ts';

/** What the use cases tell operators, written into this request's log line; the number masked. */
export function operatorLog(log: RequestLog): OperatorLog {
  return {
    subject(country, e164) {
      log.country = country;
      if (e164 !== undefined) log.phone = maskPhone(e164);
    },
    detail(text) {
      log.detail = text;
    },
    smsLocale(locale) {
      log.locale = locale;
    },
  };
}
