// A consumer of the published package: it imports what a site would, by the package's own name
// (resolved through package.json "exports" to dist/), and is compiled with skipLibCheck off so
// every declaration file the package pulls in is checked too.
import 'prove-verify';
import {
  ProveVerifyElement,
  type ProveVerifyErrorDetail,
  type ProveVerifyResultDetail,
  type StepName,
} from 'prove-verify';
import { ProveVerifyElement as Unregistered } from 'prove-verify/element';
import * as entry from 'prove-verify';
import * as element from 'prove-verify/element';
import 'prove-verify/instant-link';

const verify = document.createElement('prove-verify');
const sameClass: typeof Unregistered = ProveVerifyElement;
verify.backendUrl = '/api';
verify.addEventListener('prove-verify-step', (e) => {
  const step: StepName = e.detail.step;
  console.log(step, sameClass);
});
verify.addEventListener('prove-verify-success', (e) => {
  const detail: ProveVerifyResultDetail = e.detail;
  console.log(detail.result.success);
});
verify.addEventListener('prove-verify-error', (e) => {
  const detail: ProveVerifyErrorDetail = e.detail;
  console.log(detail.code, detail.recoverable);
});

// `emit` is the element's own plumbing, not API: neither entry may export it.
// @ts-expect-error not exported
console.log(entry.emit);
// @ts-expect-error not exported
console.log(element.emit);
