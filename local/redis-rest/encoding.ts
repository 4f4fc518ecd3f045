import { RespError, type RespValue } from './resp-protocol.ts';

// JSON for one result. With `Upstash-Encoding: base64` every string is base64, recursively,
// except a top-level "OK": @upstash/redis's decode() passes "OK" through and base64-decodes every
// other string (of a single result, and of each pipeline / multi-exec entry on its own).
export function resultJson(value: RespValue, base64: boolean): string {
  if (base64 && Buffer.isBuffer(value) && value.length === 2 && value.toString('latin1') === 'OK')
    return '"OK"';
  return valueJson(value, base64);
}

function valueJson(value: RespValue, base64: boolean): string {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return JSON.stringify(value.toString(base64 ? 'base64' : 'utf8'));
  // An error nested inside an array (a script returning one) is data at that point.
  if (value instanceof RespError) return valueJson(Buffer.from(value.message), base64);
  return `[${value.map((item) => valueJson(item, base64)).join(',')}]`;
}

// Error strings are never encoded: the client reads `error` as plain text.
export function errorJson(message: string): string {
  return `{"error":${JSON.stringify(message)}}`;
}

export function entryJson(value: RespValue, base64: boolean): string {
  return value instanceof RespError ? errorJson(value.message) : `{"result":${resultJson(value, base64)}}`;
}
