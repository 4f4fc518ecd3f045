// RESP2 wire format: command encoding and an incremental reply parser. Bulk strings stay Buffers
// so binary values survive; error replies are values (not exceptions) because a pipeline or EXEC
// reply mixes them with results.

export class RespError {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

// Integers outside the safe range stay bigint so a 64-bit counter is relayed digit for digit.
export type RespValue = Buffer | number | bigint | null | RespError | RespValue[];

const CRLF = '\r\n';

export function encodeCommand(args: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}${CRLF}`)];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : arg;
    parts.push(Buffer.from(`$${bytes.length}${CRLF}`), bytes, Buffer.from(CRLF));
  }
  return Buffer.concat(parts);
}

export type ParseOutcome =
  | { complete: true; value: RespValue; end: number }
  | { complete: false; needed: number };

class RespProtocolError extends Error {}

// `needed` is a lower bound on the buffer length required before another attempt can succeed;
// the connection uses it to avoid re-concatenating a large reply on every TCP chunk.
export function parseReply(buffer: Buffer, start = 0): ParseOutcome {
  const lineEnd = buffer.indexOf(CRLF, start);
  if (lineEnd === -1) return { complete: false, needed: buffer.length + 1 };
  const type = String.fromCharCode(buffer[start] ?? 0);
  const line = buffer.toString('latin1', start + 1, lineEnd);
  const afterLine = lineEnd + 2;
  switch (type) {
    case '+':
      return { complete: true, value: buffer.subarray(start + 1, lineEnd), end: afterLine };
    case '-':
      return {
        complete: true,
        value: new RespError(buffer.toString('utf8', start + 1, lineEnd)),
        end: afterLine,
      };
    case ':':
      return { complete: true, value: parseInteger(line), end: afterLine };
    case '$': {
      const length = Number(line);
      if (length === -1) return { complete: true, value: null, end: afterLine };
      const end = afterLine + length + 2;
      if (buffer.length < end) return { complete: false, needed: end };
      return { complete: true, value: buffer.subarray(afterLine, afterLine + length), end };
    }
    case '*': {
      const count = Number(line);
      if (count === -1) return { complete: true, value: null, end: afterLine };
      const items: RespValue[] = [];
      let offset = afterLine;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buffer, offset);
        if (!item.complete) return item;
        items.push(item.value);
        offset = item.end;
      }
      return { complete: true, value: items, end: offset };
    }
    default:
      throw new RespProtocolError(`Unexpected RESP type byte ${JSON.stringify(type)}`);
  }
}

function parseInteger(text: string): number | bigint {
  const asNumber = Number(text);
  return Number.isSafeInteger(asNumber) ? asNumber : BigInt(text);
}

export function isRespError(value: RespValue): value is RespError {
  return value instanceof RespError;
}
