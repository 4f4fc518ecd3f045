// The TwiML a call's Url returns (or its Twiml parameter holds), read the way the sandbox plays it:
// a <Response> of <Say>, <Pause> and <Hangup>, what a spoken code needs.
//   <Say voice language loop>: voice man (the default), woman, alice, Polly.* or Google.*; language
//     en-US by default; loop a positive integer or 0, default 1 (https://www.twilio.com/docs/voice/twiml/say).
//     SSML inside <Say> (break, emphasis, lang, p, phoneme, prosody, s, say-as, sub, w: the elements
//     twilio-node's VoiceResponse.Say can nest) is read for its words; <sub alias> says the alias.
//   <Pause length>: whole seconds above 0, default 1 (https://www.twilio.com/docs/voice/twiml/pause).
//   <Hangup/>: ends the call (https://www.twilio.com/docs/voice/twiml/hangup).
// A document that is not XML is Twilio's 12100 (Document parse failure), another root element
// 12102; a verb the sandbox does not play (<Gather>, <Play>, <Dial>...) is refused with a reason
// and no Twilio code, since Twilio would run it.

import { integerAttribute, unknownAttribute } from '../support/xml-attributes.ts';
import { readXmlDocument, type XmlElement } from '../support/xml-reader.ts';

export interface SayInstruction {
  kind: 'say';
  text: string;
  voice: string;
  language: string;
  loop: number;
}

export interface PauseInstruction {
  kind: 'pause';
  lengthSeconds: number;
}

export interface HangupInstruction {
  kind: 'hangup';
}

export type TwimlInstruction = SayInstruction | PauseInstruction | HangupInstruction;

export type TwimlParse =
  | { ok: true; instructions: TwimlInstruction[] }
  | { ok: false; errorCode: 12100 | 12102 | null; error: string };

/** The sandbox's ceiling for a fetched document (Twiml given inline is limited to 4000 characters). */
export const MAX_TWIML_BYTES = 64 * 1024;

const DEFAULT_VOICE = 'man';
const DEFAULT_LANGUAGE = 'en-US';
const VOICE =
  /^(man|woman|alice|Polly\.[A-Za-z]+(-Neural|-Generative)?|Google\.[a-z]{2,3}-[A-Z]{2}-[A-Za-z0-9-]+)$/;
const LANGUAGE = /^[a-z]{2,3}-[A-Z]{2}$/;
const SSML_ELEMENTS = new Set([
  'break',
  'emphasis',
  'lang',
  'p',
  'phoneme',
  'prosody',
  's',
  'say-as',
  'sub',
  'w',
]);
const MAX_LOOP = 1000;
const MAX_PAUSE_SECONDS = 600;

export function parseTwiml(source: string): TwimlParse {
  let root: XmlElement;
  try {
    root = readXmlDocument(source);
  } catch (error) {
    return {
      ok: false,
      errorCode: 12100,
      error: `invalid XML: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (root.name !== 'Response') {
    return { ok: false, errorCode: 12102, error: `the root element must be <Response>, got <${root.name}>` };
  }
  const instructions: TwimlInstruction[] = [];
  for (const child of root.children) {
    if (typeof child === 'string') {
      if (child.trim() !== '') return sandboxRefusal('<Response> may not hold text outside a verb');
      continue;
    }
    const instruction = readVerb(child);
    if (typeof instruction === 'string') return sandboxRefusal(instruction);
    instructions.push(instruction);
  }
  return { ok: true, instructions };
}

function sandboxRefusal(error: string): TwimlParse {
  return { ok: false, errorCode: null, error };
}

function readVerb(element: XmlElement): TwimlInstruction | string {
  switch (element.name) {
    case 'Say':
      return readSay(element);
    case 'Pause': {
      const unknown = unknownAttribute(element, ['length']);
      if (unknown) return unknown;
      if (element.children.some((child) => typeof child !== 'string' || child.trim() !== '')) {
        return '<Pause> must be empty';
      }
      const length = integerAttribute(element, 'length', 1, 1, MAX_PAUSE_SECONDS);
      return typeof length === 'string' ? length : { kind: 'pause', lengthSeconds: length };
    }
    case 'Hangup':
      return unknownAttribute(element, []) ?? { kind: 'hangup' };
    default:
      return `<${element.name}> is not played by the sandbox (only <Say>, <Pause> and <Hangup>)`;
  }
}

function readSay(element: XmlElement): SayInstruction | string {
  const unknown = unknownAttribute(element, ['voice', 'language', 'loop']);
  if (unknown) return unknown;
  const text = spokenWords(element);
  if (typeof text !== 'string') return text.error;
  if (text === '') return '<Say> needs words to say';
  const voice = element.attributes.get('voice') ?? DEFAULT_VOICE;
  if (!VOICE.test(voice)) return `<Say voice="${voice}">: expected man, woman, alice, Polly.* or Google.*`;
  const language = element.attributes.get('language') ?? DEFAULT_LANGUAGE;
  if (!LANGUAGE.test(language)) return `<Say language="${language}">: expected a code such as en-US`;
  const loop = integerAttribute(element, 'loop', 1, 0, MAX_LOOP);
  if (typeof loop === 'string') return loop;
  return { kind: 'say', text, voice, language, loop };
}

/** The words of a <Say>, SSML read for its text, whitespace collapsed. */
function spokenWords(element: XmlElement): string | { error: string } {
  const parts: string[] = [];
  const visit = (node: XmlElement): string | null => {
    for (const child of node.children) {
      if (typeof child === 'string') {
        parts.push(child);
        continue;
      }
      if (!SSML_ELEMENTS.has(child.name)) return `<${child.name}> is not SSML that <Say> takes`;
      const alias = child.name === 'sub' ? child.attributes.get('alias') : undefined;
      if (alias !== undefined) parts.push(` ${alias} `);
      else if (child.name === 'break') parts.push(' ');
      else {
        parts.push(' ');
        const problem = visit(child);
        if (problem) return problem;
        parts.push(' ');
      }
    }
    return null;
  };
  const problem = visit(element);
  if (problem) return { error: problem };
  return parts
    .join('')
    .replace(/\s+/g, ' ')
    .replace(/\s+([.,;:!?])/g, '$1')
    .trim();
}
