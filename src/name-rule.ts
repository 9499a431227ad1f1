/**
 * What a name may not hold, for the element and for the backend alike (`prove-verify-server` imports
 * this file): control characters, the line and paragraph separators, every format character
 * (Unicode category Cf) and half a surrogate pair, which is no character at all (pasted from a cut
 * string; UTF-8 cannot carry it). Format characters are invisible: the bidirectional controls make
 * a name read differently from what it holds ("Trojan Source" style reordering, CVE-2021-42574),
 * and the zero-width space, BOM, soft hyphen, word joiner, Mongolian vowel separator and tag
 * characters (U+E0000–E007F) make two names that look alike compare unequal. Zero-width joiners
 * (U+200C/U+200D) stay allowed: Persian, Indic scripts and emoji sequences need them.
 */
export const NAME_FORBIDDEN =
  // eslint-disable-next-line no-control-regex -- matching control characters is this pattern's job
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u180e\u{e0000}-\u{e007f}]|(?![\u200c\u200d])\p{Cf}|\p{Cs}/u;

/** Whether `name` holds a character no name may hold. */
export function hasForbiddenNameCharacter(name: string): boolean {
  return NAME_FORBIDDEN.test(name);
}
