// A reader for the small XML subset the sandboxes' call documents use (Plivo XML, TwiML):
// elements, attributes, text, comments, the five predefined entities and character references.
// Deliberately strict: no DTD, no CDATA, no processing instructions, no namespaces, so nothing in a
// document from a webhook can expand or fetch anything.

export interface XmlElement {
  name: string;
  attributes: Map<string, string>;
  children: (XmlElement | string)[];
}

/** The root element; throws an Error saying where the document stops being acceptable. */
export function readXmlDocument(source: string): XmlElement {
  return new XmlReader(source).document();
}

const NAME = /[A-Za-z_][A-Za-z0-9_.-]*/y;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Reads one document left to right; each method consumes what it names and throws where the input stops fitting. */
class XmlReader {
  readonly #source: string;
  #at = 0;

  constructor(source: string) {
    this.#source = source;
  }

  document(): XmlElement {
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

  #element(): XmlElement {
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
    const children: (XmlElement | string)[] = [];
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
