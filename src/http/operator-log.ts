import type { OperatorLog } from '../otp/ports.ts';
import type { RequestLog } from './app-env.ts';
import { maskPhone } from './middleware/request-log.ts';

/** What the use cases tell operators, written into this request's log line; the number masked. */
export function operatorLog(log: RequestLog): OperatorLog {
  return {
    number(e164, country) {
      log.country = country;
      log.phone = maskPhone(e164);
    },
    country(country) {
      log.country = country;
    },
    detail(text) {
      log.detail = text;
    },
  };
}
