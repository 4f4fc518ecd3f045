// Validation of the JSON bodies @upstash/redis sends: a command is a non-empty array of strings,
// numbers and booleans; pipeline and multi-exec bodies are non-empty arrays of commands.

export class BadRequestError extends Error {}

// JSON.parse loses integer precision above 2^53; the reviver keeps each number's source text.
class JsonNumber {
  readonly value: number;
  readonly source: string | undefined;
  constructor(value: number, source: string | undefined) {
    this.value = value;
    this.source = source;
  }
}

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new BadRequestError('ERR empty request body: expected a JSON array');
  try {
    // The third reviver argument (JSON.parse source text access) is there in Node 22's V8.
    return JSON.parse(text, (_key: string, value: unknown, context?: { source?: string }) =>
      typeof value === 'number' ? new JsonNumber(value, context?.source) : value,
    );
  } catch {
    throw new BadRequestError('ERR request body is not valid JSON');
  }
}

export function toCommand(value: unknown): string[] {
  if (!Array.isArray(value)) throw new BadRequestError('ERR a command must be a JSON array');
  if (value.length === 0) throw new BadRequestError('ERR empty command');
  return value.map((arg: unknown) => toArgument(arg));
}

export function toCommandList(value: unknown): string[][] {
  if (!Array.isArray(value)) throw new BadRequestError('ERR body must be a JSON array of commands');
  if (value.length === 0) throw new BadRequestError('ERR empty pipeline: expected at least one command');
  return value.map((command: unknown) => toCommand(command));
}

function toArgument(arg: unknown): string {
  if (typeof arg === 'string') return arg;
  if (arg instanceof JsonNumber) return decimalString(arg);
  // @upstash/redis passes booleans through untouched; Upstash stores them as their JSON text,
  // so `set(k, true)` reads back as `true` after the client's JSON deserialisation.
  if (typeof arg === 'boolean') return String(arg);
  throw new BadRequestError(
    `ERR command arguments must be strings, numbers or booleans, got ${arg === null ? 'null' : Array.isArray(arg) ? 'an array' : typeof arg}`,
  );
}

function decimalString(number: JsonNumber): string {
  if (number.source !== undefined && /^-?\d+$/.test(number.source)) return number.source;
  return String(number.value);
}
