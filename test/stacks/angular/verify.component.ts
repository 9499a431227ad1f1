// README "Angular", block 1.
import { CUSTOM_ELEMENTS_SCHEMA, Component, output } from '@angular/core';
import 'prove-verify';
import type { ProveVerifyResultDetail } from 'prove-verify';

@Component({
  selector: 'app-verify',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `<prove-verify backend-url="/api" possession-type="mobile"
    (prove-verify-success)="done($event)" (prove-verify-failure)="done($event)"></prove-verify>`,
})
export class VerifyComponent {
  readonly verified = output<boolean>();
  done(event: CustomEvent<ProveVerifyResultDetail>) {
    this.verified.emit(event.detail.result.success);
  }
}
