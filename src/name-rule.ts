/**
 * What a name may not hold, for the element and for the backend alike (`prove-verify-server` imports
 * this file): control characters, the line and paragraph separators, and the bidirectional
 * controls that can make a name read differently from what it holds ("Trojan Source" style
 * reordering, CVE-2021-42574), and half a surrogate pair, which is no character at all (pasted
 * from a cut string; UTF-8 cannot carry it). Zero-width joiners (U+200C/U+200D) stay allowed:
 * Persian, Indic scripts and emoji sequences need them.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's job
export const NAME_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\p{Cs}/u;

/** Whether `name` holds a character no name may hold. */
export function hasForbiddenNameCharacter(name: string): boolean {
  return NAME_FORBIDDEN.test(name);
}
