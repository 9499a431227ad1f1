import metadata from 'libphonenumber-js/min/metadata';
import { possibleE164 } from '../../../src/phone-rule.js';

/** E.164 by the rule the element and the backend use (src/phone-rule.ts), US by default, with every plan. */
export const normalizePhone = (input: string): string | undefined => possibleE164(input, 'US', metadata);
