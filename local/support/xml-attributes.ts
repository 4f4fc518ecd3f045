// Checks on an element of a call document (TwiML, Plivo XML; read by xml-reader.ts), each answering
// why the element cannot be played, in words a developer reading the inbox can act on.

import type { XmlElement } from './xml-reader.ts';

/** Why the element has an attribute outside `allowed`, or null. */
export function unknownAttribute(element: XmlElement, allowed: readonly string[]): string | null {
  for (const name of element.attributes.keys()) {
    if (!allowed.includes(name)) return `<${element.name}> has no attribute ${name}`;
  }
  return null;
}

/** The attribute as an integer from `min` to `max`, `fallback` when absent, or why it is not one. */
export function integerAttribute(
  element: XmlElement,
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
