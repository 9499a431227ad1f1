// docs/frameworks.md "Angular", block 1.
import { Component, input, output } from '@angular/core';
import { ProveVerify, type ProveVerifyResultDetail } from 'prove-verify/angular';

@Component({
  selector: 'app-verify',
  imports: [ProveVerify],
  template: `<prove-verify backendUrl="/api" possessionType="mobile" [firstName]="firstName()"
    (success)="done($event)" (failure)="done($event)"></prove-verify>`,
})
export class VerifyComponent {
  readonly firstName = input('');
  readonly verified = output<boolean>();
  done(event: CustomEvent<ProveVerifyResultDetail>) {
    this.verified.emit(event.detail.result.success);
  }
}
