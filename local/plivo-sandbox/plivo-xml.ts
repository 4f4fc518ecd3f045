// The Plivo XML an answer URL returns, read the way the sandbox can play it: a <Response> holding
// <Speak>, <Wait> and <Hangup>, the three elements a spoken code needs. Anything else (another
// element, SSML inside <Speak>, a malformed document) is refused with a reason, as Plivo ends the
// call and logs an XML error when it cannot run what it got. Deliberately small and strict: no
// DTD, no CDATA, no namespaces, so nothing here expands or fetches anything.

export type Voice = 'WOMAN' | 'MAN';

export interface SpeakInstruction {
  kind: 'speak';
  text: string;
  voice: Voice;
  language: string;
  /** Plivo's loop: 0 repeats until the call ends. */
  loop: number;
}

export interface WaitInstruction {
  kind: 'wait';
  lengthSeconds: number;
}

export interface HangupInstruction {
  kind: 'hangup';
}

export type CallInstruction = SpeakInstruction | WaitInstruction | HangupInstruction;

export type PlivoXmlParse = { ok: true; instructions: CallInstruction[] } | { ok: false; error: string };

/** Plivo's documented ceiling for an answer document. */
export const MAX_XML_BYTES = 100 * 1024;

// Plivo's defaults for <Speak> and <Wait> (Plivo XML reference, "Speak" and "Wait").
const DEFAULT_VOICE: Voice = 'WOMAN';
const DEFAULT_LANGUAGE = 'en-US';
const LANGUAGE_CODE = /^[a-z]{2,3}-[A-Z]{2}$/;
const MAX_LOOP = 10_000;
const MAX_WAIT_SECONDS = 86_400;

interface Element {
  name: string;
  attributes: Map<string, string>;
  children: (Element | string)[];
}

export function parsePlivoXml(source: string): PlivoXmlParse {
  let root: Element;
  try {
    root = new XmlReader(source).document();
  } catch (error) {
    return { ok: false, error: `invalid XML: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (root.name !== 'Response')
    return { ok: false, error: `the root element must be <Response>, got <${root.name}>` };
  const instructions: CallInstruction[] = [];
  for (const child of root.children) {
    if (typeof child === 'string') {
      if (child.trim() !== '') return { ok: false, error: '<Response> may not hold text outside an element' };
      continue;
    }
    const instruction = readInstruction(child);
    if (typeof instruction === 'string') return { ok: false, error: instruction };
    instructions.push(instruction);
  }
  return { ok: true, instructions };
}

function readInstruction(element: Element): CallInstruction | string {
  switch (element.name) {
    case 'Speak':
      return readSpeak(element);
    case 'Wait': {
      const unknown = unknownAttribute(element, ['length', 'silence', 'minSilence', 'beep']);
      if (unknown) return unknown;
      if (element.children.some((child) => typeof child !== 'string' || child.trim() !== '')) {
        return '<Wait> must be empty';
      }
      const length = integerAttribute(element, 'length', 1, 1, MAX_WAIT_SECONDS);
      return typeof length === 'string' ? length : { kind: 'wait', lengthSeconds: length };
    }
    case 'Hangup': {
      const unknown = unknownAttribute(element, ['reason', 'schedule']);
      if (unknown) return unknown;
      return { kind: 'hangup' };
    }
    default:
      return `<${element.name}> is not supported by the sandbox (only <Speak>, <Wait> and <Hangup>)`;
  }
}

function readSpeak(element: Element): SpeakInstruction | string {
  const unknown = unknownAttribute(element, ['voice', 'language', 'loop']);
  if (unknown) return unknown;
  if (element.children.some((child) => typeof child !== 'string')) {
    return '<Speak> may hold text only in the sandbox (SSML is not emulated)';
  }
  const text = element.children.join('').replace(/\s+/g, ' ').trim();
  if (text === '') return '<Speak> needs text to speak';
  const voice = element.attributes.get('voice') ?? DEFAULT_VOICE;
  if (voice !== 'WOMAN' && voice !== 'MAN') return `<Speak voice="${voice}">: expected WOMAN or MAN`;
  const language = element.attributes.get('language') ?? DEFAULT_LANGUAGE;
  if (!LANGUAGE_CODE.test(language)) return `<Speak language="${language}">: expected a code such as en-US`;
  const loop = integerAttribute(element, 'loop', 1, 0, MAX_LOOP);
  if (typeof loop === 'string') return loop;
  return { kind: 'speak', text, voice, language, loop };
}

function unknownAttribute(element: Element, allowed: readonly string[]): string | null {
  for (const name of element.attributes.keys()) {
    if (!allowed.includes(name)) return `<${element.name}> has no attribute ${name}`;
  }
  return null;
}

function integerAttribute(
  element: Element,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number | string {
  const raw = element.attributes.get(name);
  if (raw === undefined) return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    return `<${element.name} ${name}="${raw}">: expected an integer between ${min} and ${max}`;
  }
  return Number(raw);
}

const NAME = /[A-Za-z_][A-Za-z0-9_.-]*/y;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** A reader for the XML subset above: elements, attributes, text, the five entities and character references. */
class XmlReader {
  readonly #source: string;
  #at = 0;

  constructor(source: string) {
    this.#source = source;
  }

  document(): Element {
    if (this.#source.startsWith('\uFEFF')) this.#at = 1;
    if (this.#source.startsWith('<?xml', this.#at)) {
      const end = this.#source.indexOf('?>', this.#at);
      if (end < 0) throw new Error('unterminated XML declaration');
      this.#at = end + 2;
    }
    this.#skipMisc();
    const root = this.#element();
    this.#skipMisc();
    if (this.#at < this.#source.length) throw new Error('content after the root element');
    return root;
  }

  #skipMisc(): void {
    for (;;) {
      this.#skipWhitespace();
      if (!this.#source.startsWith('<!--', this.#at)) return;
      this.#comment();
    }
  }

  #comment(): void {
    const end = this.#source.indexOf('-->', this.#at + 4);
    if (end < 0) throw new Error('unterminated comment');
    this.#at = end + 3;
  }

  #skipWhitespace(): void {
    while (/\s/.test(this.#source[this.#at] ?? '')) this.#at += 1;
  }

  #name(): string {
    NAME.lastIndex = this.#at;
    const match = NAME.exec(this.#source);
    if (!match) throw new Error(`expected a name at offset ${this.#at}`);
    this.#at = NAME.lastIndex;
    return match[0];
  }

  #expect(text: string): void {
    if (!this.#source.startsWith(text, this.#at)) throw new Error(`expected "${text}" at offset ${this.#at}`);
    this.#at += text.length;
  }

  #element(): Element {
    this.#expect('<');
    const name = this.#name();
    const attributes = new Map<string, string>();
    for (;;) {
      this.#skipWhitespace();
      if (this.#source.startsWith('/>', this.#at)) {
        this.#at += 2;
        return { name, attributes, children: [] };
      }
      if (this.#source.startsWith('>', this.#at)) {
        this.#at += 1;
        break;
      }
      const attribute = this.#name();
      if (attributes.has(attribute)) throw new Error(`<${name}> repeats the attribute ${attribute}`);
      this.#skipWhitespace();
      this.#expect('=');
      this.#skipWhitespace();
      const quote = this.#source[this.#at];
      if (quote !== '"' && quote !== "'")
        throw new Error(`attribute ${attribute} of <${name}> must be quoted`);
      const end = this.#source.indexOf(quote, this.#at + 1);
      if (end < 0) throw new Error(`unterminated attribute ${attribute}`);
      const raw = this.#source.slice(this.#at + 1, end);
      if (raw.includes('<')) throw new Error(`"<" in attribute ${attribute}`);
      attributes.set(attribute, decodeEntities(raw));
      this.#at = end + 1;
    }
    const children: (Element | string)[] = [];
    for (;;) {
      if (this.#at >= this.#source.length) throw new Error(`<${name}> is never closed`);
      if (this.#source.startsWith('</', this.#at)) {
        this.#at += 2;
        const closing = this.#name();
        if (closing !== name) throw new Error(`</${closing}> closes <${name}>`);
        this.#skipWhitespace();
        this.#expect('>');
        return { name, attributes, children };
      }
      if (this.#source.startsWith('<!--', this.#at)) {
        this.#comment();
        continue;
      }
      if (this.#source.startsWith('<!', this.#at) || this.#source.startsWith('<?', this.#at)) {
        throw new Error('CDATA, DTDs and processing instructions are not accepted');
      }
      if (this.#source.startsWith('<', this.#at)) {
        children.push(this.#element());
        continue;
      }
      const next = this.#source.indexOf('<', this.#at);
      const end = next < 0 ? this.#source.length : next;
      children.push(decodeEntities(this.#source.slice(this.#at, end)));
      this.#at = end;
    }
  }
}

function decodeEntities(raw: string): string {
  return raw.replace(/&([^;&\s]*);?/g, (whole, reference: string) => {
    if (!whole.endsWith(';')) throw new Error(`bare "&" (write &amp;)`);
    const named = ENTITIES[reference];
    if (named !== undefined) return named;
    const numeric = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(reference);
    const codePoint = numeric
      ? Number.parseInt(numeric[1] ?? numeric[2] ?? '', numeric[1] ? 16 : 10)
      : Number.NaN;
    if (!Number.isInteger(codePoint) || codePoint > 0x10ffff || codePoint === 0) {
      throw new Error(`unknown entity &${reference};`);
    }
    return String.fromCodePoint(codePoint);
  });
}
