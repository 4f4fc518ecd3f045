// Delivery status callbacks shaped like Plivo's: form fields on POST, query parameters on GET, each
// request signed with V3 and V2 headers made from the account's auth token.

import { formWebhook, type OutgoingWebhook } from '../support/webhook-request.ts';
import type { DeliveryStep, SandboxMessage } from './messages.ts';
import { signatureV2 } from './signature-v2.ts';
import { type CallbackParam, newNonce, type SignedMethod, signatureV3 } from './signature-v3.ts';

export interface CallbackTarget {
  url: string;
  method: SignedMethod;
}

/** A fictional number (NANP 555-01xx) standing in for the one a Powerpack would pick from its pool. */
export const SANDBOX_POOL_NUMBER = '12025550100';

// Flat made-up price; failed messages are not charged, as with Plivo.
const RATE_PER_UNIT = '0.00650';
const NOT_CHARGED = '0.00000';
// ITU's test network: real-looking MCC/MNC fields that can never be mistaken for a real carrier.
const TEST_NETWORK_MCC = '001';
const TEST_NETWORK_MNC = '01';

export function statusCallbackParams(
  message: SandboxMessage,
  step: DeliveryStep,
  sequence: number,
  at: Date,
): CallbackParam[] {
  const charged = step.status !== 'queued' && step.status !== 'failed';
  const params: CallbackParam[] = [
    ['MessageUUID', message.uuid],
    ['ParentMessageUUID', message.uuid],
    // Plivo reports numbers as digits without the leading +.
    ['To', message.dst.replace(/^\+/, '')],
    ['From', (message.src ?? SANDBOX_POOL_NUMBER).replace(/^\+/, '')],
    ['Status', step.status],
    ['Sequence', String(sequence)],
    ['Units', '1'],
    ['TotalRate', RATE_PER_UNIT],
    ['TotalAmount', charged ? RATE_PER_UNIT : NOT_CHARGED],
    ['MCC', TEST_NETWORK_MCC],
    ['MNC', TEST_NETWORK_MNC],
    ['MessageTime', plivoTimestamp(at)],
    ['PartInfo', '1 of 1'],
  ];
  if (message.powerpackUuid !== null) params.push(['PowerpackUUID', message.powerpackUuid]);
  if (step.errorCode !== null) params.push(['ErrorCode', step.errorCode]);
  return params;
}

/** `2026-01-31 23:59:59+00:00`, the layout of Plivo's message_time. */
export function plivoTimestamp(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace('T', ' ')}+00:00`;
}

/** The request (local/support/webhook-request.ts), signed with V3 and V2 headers. */
export function buildSignedCallback(
  authToken: string,
  target: CallbackTarget,
  params: readonly CallbackParam[],
): OutgoingWebhook {
  const v3Nonce = newNonce();
  const v2Nonce = newNonce();
  return formWebhook(target, params, {
    'user-agent': 'plivo-sandbox',
    'x-plivo-signature-v3': signatureV3(authToken, target.url, target.method, params, v3Nonce),
    'x-plivo-signature-v3-nonce': v3Nonce,
    'x-plivo-signature-v2': signatureV2(authToken, target.url, v2Nonce),
    'x-plivo-signature-v2-nonce': v2Nonce,
  });
}
