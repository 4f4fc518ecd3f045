// The `template` object of a WhatsApp send (`type: "whatsapp"` on the Message API): Plivo passes
// it on to Meta's Cloud API, so its shape is Meta's, with `language` as a plain code. Checked here
// the way Meta would refuse it, because a wrong shape fails at Meta long after Plivo answered 202
// and a test against the sandbox should fail at once instead. Values are reduced to their texts:
// that is what a test reads back (the code in the body and in the copy-code button).

/** What the sandbox records of a template send. */
export interface WhatsAppTemplate {
  name: string;
  language: string;
  components: WhatsAppTemplateComponent[];
}

export interface WhatsAppTemplateComponent {
  type: 'header' | 'body' | 'button';
  /** Buttons only: `url` for an authentication template's copy-code button, as Meta sends it. */
  subType: string | null;
  /** Buttons only: the button's position in the approved template, "0" first. */
  index: string | null;
  /** The text parameters, in order. */
  parameters: string[];
}

export type TemplateParse = { ok: true; template: WhatsAppTemplate } | { ok: false; error: string };

// Meta's rules for template names (lower-case letters, digits, underscores, at most 512 characters)
// and language codes (`en`, `en_US`, `pt_BR`, ...).
const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;
const LANGUAGE_CODE = /^[a-z]{2,3}(_[A-Z]{2})?$/;
const BUTTON_SUB_TYPES = new Set(['url', 'quick_reply', 'copy_code']);
const BUTTON_INDEX = /^[0-9]$/;
/** Meta's limit on one text parameter of a body. */
const MAX_PARAMETER_CHARACTERS = 1024;

export function parseWhatsAppTemplate(value: unknown): TemplateParse {
  if (!isPlainObject(value)) return fail('template must be an object with name, language and components');
  const { name, language, components = [] } = value;
  if (typeof name !== 'string' || !TEMPLATE_NAME.test(name)) {
    return fail('invalid template name: lower-case letters, digits and underscores only');
  }
  if (typeof language !== 'string' || !LANGUAGE_CODE.test(language)) {
    return fail('invalid template language: expected a code such as en or en_US');
  }
  if (!Array.isArray(components)) return fail('template components must be a list');
  const parsed: WhatsAppTemplateComponent[] = [];
  for (const [position, component] of components.entries()) {
    const result = parseComponent(component, position);
    if (typeof result === 'string') return fail(result);
    parsed.push(result);
  }
  return { ok: true, template: { name, language, components: parsed } };
}

function parseComponent(value: unknown, position: number): WhatsAppTemplateComponent | string {
  const where = `template component ${position}`;
  if (!isPlainObject(value)) return `${where} must be an object`;
  const { type, sub_type: subType, index, parameters = [] } = value;
  if (type !== 'header' && type !== 'body' && type !== 'button') {
    return `${where}: type must be header, body or button`;
  }
  const texts = parseParameters(parameters, where);
  if (typeof texts === 'string') return texts;
  if (type !== 'button') return { type, subType: null, index: null, parameters: texts };
  if (typeof subType !== 'string' || !BUTTON_SUB_TYPES.has(subType)) {
    return `${where}: a button needs sub_type url, quick_reply or copy_code`;
  }
  const indexText = typeof index === 'number' ? String(index) : index;
  if (typeof indexText !== 'string' || !BUTTON_INDEX.test(indexText)) {
    return `${where}: a button needs an index between 0 and 9`;
  }
  return { type, subType, index: indexText, parameters: texts };
}

function parseParameters(value: unknown, where: string): string[] | string {
  if (!Array.isArray(value)) return `${where}: parameters must be a list`;
  const texts: string[] = [];
  for (const parameter of value) {
    // Currency, date_time and media parameters exist too; an OTP never needs them.
    if (!isPlainObject(parameter) || parameter.type !== 'text') {
      return `${where}: only text parameters are supported by the sandbox`;
    }
    const { text } = parameter;
    if (typeof text !== 'string' || text === '') return `${where}: a text parameter needs a non-empty text`;
    if ([...text].length > MAX_PARAMETER_CHARACTERS) {
      return `${where}: a text parameter is limited to ${MAX_PARAMETER_CHARACTERS} characters`;
    }
    texts.push(text);
  }
  return texts;
}

function fail(error: string): TemplateParse {
  return { ok: false, error };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
