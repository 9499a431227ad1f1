/**
 * The lazy entry: everything that loads when the person reaches the form, and nothing the first
 * paint needs. The first paint reaches it only through `loadLazy` (lazy-loader.ts), and the CDN
 * build puts it, with all it imports that the first paint does not, in one chunk
 * (rollup.config.mjs): a flow needs all of it.
 */
// The form's check and the phone's own field, with libphonenumber-js's rules.
export { checkForm } from './validate.js';
export { phoneField, phoneFieldStyles } from '../ui/phone-field.js';
// The flow's effects, Prove's SDK fetched ahead, and where focus goes when a step takes it away.
export { FlowRunner, refocus, warmSdk, warmViews } from './runner.js';
// The flow's rules after the form (the form's own are in the first paint).
export { transition } from './transition.js';
// The views of the steps after the form, and their styles.
export { stepStyles, stepView } from '../ui/steps.js';
// The rest of English: the later steps, the field messages and the failures.
export { enLater } from '../i18n/en-later.js';
