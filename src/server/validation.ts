/** What the page may send to `POST /api/verify`, checked field by field. */
import metadata from 'libphonenumber-js/min/metadata';
import { z } from 'zod';
// The element checks names with the same rule, so what passes its form passes here.
import { hasForbiddenNameCharacter } from '../name-rule.js';
// And numbers: the element's own check and this one are the same function.
import { PHONE_INPUT_MAX, possibleE164 } from '../phone-rule.js';

const typeError = (label: string, expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `${label} is required` : `${label} must be ${expected}`;

const nameField = (label: string) =>
  z
    .string({ error: typeError(label, 'a string') })
    .trim()
    .min(1, { error: `${label} is required` })
    .max(100, { error: `${label} must be at most 100 characters` })
    .refine((v) => !hasForbiddenNameCharacter(v), {
      error: `${label} contains a character no name may hold (a control, line separator, text-direction or other invisible format character)`,
    });

/** A phone number the way a person types it, US by default, turned into E.164 for Prove (src/phone-rule.ts). */
const phoneField = z
  .string({ error: typeError('phoneNumber', 'a string') })
  .max(PHONE_INPUT_MAX, { error: 'phoneNumber is too long' })
  .transform((value, ctx) => {
    const e164 = possibleE164(value, 'US', metadata);
    if (!e164) {
      ctx.addIssue({ code: 'custom', message: 'phoneNumber is not a possible phone number' });
      return z.NEVER;
    }
    return e164;
  });

/** Prove's rule for `finalTargetUrl`: at most 128 characters, only these. */
const FINAL_TARGET_URL_MAX = 128;
const FINAL_TARGET_URL_CHARACTERS = /^[A-Za-z0-9\-._+=/:?]*$/;

/** Whether Prove accepts this as a `finalTargetUrl` (length and characters; not whether it is http). */
export function meetsProveTargetRule(url: string): boolean {
  return url.length <= FINAL_TARGET_URL_MAX && FINAL_TARGET_URL_CHARACTERS.test(url);
}

// Checked here, so a URL Prove would refuse is a 400 naming the field, not Prove's error relayed as a 502.
const urlField = z
  .string({ error: typeError('finalTargetUrl', 'a string') })
  .max(FINAL_TARGET_URL_MAX, { error: `finalTargetUrl must be at most ${FINAL_TARGET_URL_MAX} characters` })
  .refine((value) => FINAL_TARGET_URL_CHARACTERS.test(value), {
    error: 'finalTargetUrl may hold only letters, digits and - . _ + = / : ?',
  })
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
      } catch {
        return false;
      }
    },
    { error: 'finalTargetUrl must be an http(s) URL' },
  );

/**
 * The contract's bodies take no other field (`additionalProperties: false`): a field the backend
 * would drop unread (a misspelt `finalTargetURL`, a `clientCustomerId` meant for Prove) is said,
 * not silently ignored. The name is said when it is a plain one; anything else could be markup.
 */
const unknownFields = (issue: { code?: string; keys?: readonly string[] }) => {
  if (issue.code !== 'unrecognized_keys' || !issue.keys) return undefined;
  const names = issue.keys
    .slice(0, 3)
    .map((key) => (/^[A-Za-z0-9_$.-]{1,40}$/.test(key) ? JSON.stringify(key) : 'a field with an unusual name'));
  return `${[...new Set(names)].join(', ')}${issue.keys.length > 3 ? ' and others' : ''} ${issue.keys.length > 1 ? 'are not fields' : 'is not a field'} of this request`;
};

export const VerifyBodySchema = z.strictObject(
  {
    firstName: nameField('firstName'),
    lastName: nameField('lastName'),
    phoneNumber: phoneField,
    possessionType: z.enum(['mobile', 'desktop'], { error: typeError('possessionType', '"mobile" or "desktop"') }),
    finalTargetUrl: urlField.optional(),
  },
  { error: unknownFields },
);

/**
 * The status call's body: the `flowId` the start answered. Required: a browser's "newest flow"
 * would be whichever flow the last start made, not the one this page is waiting for.
 */
export const StatusBodySchema = z.strictObject(
  {
    flowId: z
      .string({ error: typeError('flowId', 'a string') })
      .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'flowId must be the id the start call answered' }),
  },
  { error: unknownFields },
);

/** One readable sentence from a zod error (messages name fields, never echo values). */
export function describeValidation(error: z.ZodError): string {
  const messages = error.issues.slice(0, 5).map((issue) => {
    const field = issue.path.join('.');
    // Our own messages already name the field; zod's generic ones (e.g. a missing field) do not.
    return field && !issue.message.startsWith(field) ? `${field}: ${issue.message}` : issue.message;
  });
  return [...new Set(messages)].join('; ');
}
