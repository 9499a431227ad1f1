/** A number as Prove writes it in an answer ("2001004011", "+12001004011") in E.164. */
import metadata from 'libphonenumber-js/min/metadata';
import { possibleE164 } from '../../phone-rule.js';

/** E.164, reading a number without `+` as a US one (Prove's answers leave out the +1); undefined when it is none. */
export function provedE164(value: string | undefined): string | undefined {
  return value ? possibleE164(value, 'US', metadata) : undefined;
}
