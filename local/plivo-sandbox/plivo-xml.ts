// The Plivo XML an answer URL returns, read the way the sandbox can play it: a <Response> holding
// <Speak>, <Wait> and <Hangup>, the three elements a spoken code needs. Anything else (another
// element, SSML inside <Speak>, a malformed document) is refused with a reason, as Plivo ends the
// call and logs an XML error when it cannot run what it got. Deliberately small and strict: no
// DTD, no CDATA, no namespaces (local/support/xml-reader.ts), so nothing here expands or fetches anything.

import { integerAttribute, unknownAttribute } from '../support/xml-attributes.ts';
import { readXmlDocument, type XmlElement } from '../support/xml-reader.ts';

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

export function parsePlivoXml(source: string): PlivoXmlParse {
  let root: XmlElement;
  try {
    root = readXmlDocument(source);
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

function readInstruction(element: XmlElement): CallInstruction | string {
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

function readSpeak(element: XmlElement): SpeakInstruction | string {
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
