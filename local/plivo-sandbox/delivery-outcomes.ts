// How a message's delivery plays out, chosen by its destination so tests can steer it:
//   dst ending in 0000 -> queued, failed      (ErrorCode 450: destination country not allowed by geo permissions;
//                                              such a message never leaves Plivo, so there is no `sent`)
//   dst ending in 0001 -> queued, sent, undelivered (ErrorCode 30: the carrier could not deliver)
//   any other dst      -> queued, sent, delivered
// The inbox page footer documents the same numbers for people.

import { phoneDigits } from './phone-number.ts';
import type { MessageStatus } from './sandbox-message.ts';

export interface DeliveryStep {
  status: MessageStatus;
  /** Plivo's ErrorCode; only failed and undelivered carry one. */
  errorCode: string | null;
}

export const FAILED_DST_SUFFIX = '0000';
export const FAILED_ERROR_CODE = '450';
export const UNDELIVERED_DST_SUFFIX = '0001';
export const UNDELIVERED_ERROR_CODE = '30';

export function deliveryStepsFor(dst: string): DeliveryStep[] {
  const digits = phoneDigits(dst);
  if (digits.endsWith(FAILED_DST_SUFFIX)) {
    return [step('queued'), { status: 'failed', errorCode: FAILED_ERROR_CODE }];
  }
  if (digits.endsWith(UNDELIVERED_DST_SUFFIX)) {
    return [step('queued'), step('sent'), { status: 'undelivered', errorCode: UNDELIVERED_ERROR_CODE }];
  }
  return [step('queued'), step('sent'), step('delivered')];
}

function step(status: MessageStatus): DeliveryStep {
  return { status, errorCode: null };
}
