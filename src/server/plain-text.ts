/**
 * Text from outside (Prove's error code and message, a request's path or Origin) made safe to
 * write on a log line or hand to a page: one printable line, and short. A newline or carriage
 * return in it could forge a log line of its own, the bidirectional and other format characters
 * (Unicode Cf) could make a line read differently from what it holds, and a 10 KB "code" would
 * fill a log or a page.
 */

// Controls (Cc), format characters (Cf), the line and paragraph separators and half surrogate pairs.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]+/gu;

/** `text` as one printable line of at most `max` characters ('…' marks a cut). */
export function oneLine(text: string, max = 300): string {
  const flat = text.replace(UNPRINTABLE, ' ').trim();
  if (flat.length <= max) return flat;
  // Never cut between the halves of a surrogate pair: half of one is no character.
  let end = max - 1;
  if (/[\uD800-\uDBFF]/.test(flat.charAt(end - 1))) end--;
  return `${flat.slice(0, end)}…`;
}
