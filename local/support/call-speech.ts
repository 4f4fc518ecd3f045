// What a sandbox records of an answered call, whatever its vendor's document: the stretches of
// speech (a TwiML <Say>, a Plivo <Speak>), with the silences between them (<Pause>, <Wait>)
// counting towards its length, up to the first hangup. Each vendor's parser keeps its own step
// names (they are its verbs); only the shape of a step matters here.

/** One stretch of speech: its words, voice and language, and how often it repeats (0: until hangup). */
export interface SpokenPart<Voice extends string = string> {
  text: string;
  voice: Voice;
  language: string;
  loop: number;
}

/** A step of a call document: speech (it has `text`), silence (`lengthSeconds`) or the hangup. */
export type CallStep<Voice extends string = string> =
  | ({ kind: string } & SpokenPart<Voice>)
  | { kind: string; lengthSeconds: number }
  | { kind: 'hangup' };

export interface PlayedCall<Voice extends string = string> {
  speech: SpokenPart<Voice>[];
  /** Roughly how long the call lasted, at least 1. */
  seconds: number;
}

// A rough speaking rate, only to give a call a plausible duration.
const CHARACTERS_PER_SECOND = 15;

/** What the callee hears: every stretch of speech up to the first hangup, and roughly how long it takes. */
export function playCall<Voice extends string>(steps: readonly CallStep<Voice>[]): PlayedCall<Voice> {
  const speech: SpokenPart<Voice>[] = [];
  let seconds = 0;
  for (const step of steps) {
    if (step.kind === 'hangup') break;
    if ('lengthSeconds' in step) {
      seconds += step.lengthSeconds;
      continue;
    }
    if (!('text' in step)) continue;
    const { text, voice, language, loop } = step;
    speech.push({ text, voice, language, loop });
    seconds += Math.ceil(text.length / CHARACTERS_PER_SECOND) * Math.max(loop, 1);
  }
  return { speech, seconds: Math.max(seconds, 1) };
}

/**
 * Each text as many times as it is looped, joined by a space. A loop of 0 (until the call ends) is
 * written once: the call's time limit, not the document, would decide how often it is heard.
 */
export function spokenText(speech: readonly SpokenPart[]): string {
  return speech.flatMap((part) => Array<string>(Math.max(part.loop, 1)).fill(part.text)).join(' ');
}
