import type { Channel } from '../../../otp/channel.ts';
import type { PageError } from './api-call.ts';
import { plural } from './wording.ts';

export interface ErrorSentence {
  sentence: string;
  /** The error passes with time: the page counts down the API's `retryAfterSeconds`. */
  passesWithTime: boolean;
}

const now = (sentence: string): ErrorSentence => ({ sentence, passesWithTime: false });
const later = (sentence: string): ErrorSentence => ({ sentence, passesWithTime: true });

const CANNOT_RECEIVE: Record<Channel, string> = {
  sms: 'This number cannot receive codes by SMS (landlines, pagers and some virtual numbers cannot). Try a mobile number.',
  voice:
    'We cannot call this number with a code (premium-rate, virtual and some fixed-line numbers cannot take code calls).',
  whatsapp: 'This number cannot receive codes on WhatsApp. Try another way.',
};

const NOT_SENT: Record<Channel, string> = {
  sms: 'We could not send an SMS to this number. Check the number, or try another one.',
  voice: 'We could not place a call to this number. Check the number, or try another way.',
  whatsapp: 'We could not send a WhatsApp message to this number. Check the number, or try another way.',
};

/**
 * What the visitor reads for each error the API (or the network) can give the demo. `channel`: the
 * channel the failed request was sending over, for the errors that depend on it.
 */
export function errorSentence(error: PageError, channel: Channel = 'sms'): ErrorSentence {
  switch (error.code) {
    case 'invalid_phone': {
      const problem = error.issues?.[0]?.problem;
      return now(
        problem
          ? `That phone number is ${problem}. Type it with + and the country code, for example +1 415 555 2671.`
          : 'That does not look like a phone number we can use. Type it in international format: + then the country code, for example +1 415 555 2671.',
      );
    }
    case 'invalid_code': {
      const left = error.attemptsRemaining;
      if (typeof left !== 'number') return now('That code is not correct. Check the SMS and try again.');
      if (left <= 0)
        return now('That code is not correct, and it was the last attempt for it. Request a new code.');
      return now(`That code is not correct. ${plural(left, 'attempt', 'attempts')} left.`);
    }
    case 'verification_not_found':
      return now('This code has expired, was already used, or a newer one replaced it. Request a new one.');
    case 'already_approved':
      return now('This number is already verified.');
    case 'resend_too_soon':
      return later('A code was sent to this number a moment ago.');
    case 'too_many_attempts':
      return later('Too many wrong codes for this number.');
    case 'max_attempts_reached':
      return error.retryAfterSeconds
        ? later(
            'That code had too many wrong guesses and no longer works: request a new code once the wait is over.',
          )
        : now('That code had too many wrong guesses and no longer works. Request a new code.');
    case 'rate_limited':
      return later('Too many requests right now.');
    case 'country_not_allowed':
      return now('Sorry, we cannot send codes to numbers in this country.');
    case 'unsupported_number':
      return now(CANNOT_RECEIVE[channel]);
    case 'channel_unavailable':
      return now('This service does not send codes that way. Choose another way.');
    case 'fallback_too_soon':
      return later('The code went out moments ago: give it a little time to arrive.');
    case 'captcha_failed':
      return now('The "are you human" check did not pass. Complete it again, then retry.');
    case 'challenge_required':
      return now('Please complete the "are you human" check, then retry.');
    case 'unavailable':
      return later('The service is busy or briefly unavailable.');
    case 'sms_failed':
      return now(NOT_SENT[channel]);
    case 'invalid_request':
      return now('The service did not accept this request. Reload the page and try again.');
    case 'network':
      return now('Could not reach the server. Check your connection and try again.');
    default:
      return now(error.message || 'Something went wrong.');
  }
}
