import { Component, signal } from '@angular/core';
// README's Angular component (test/stacks/angular/verify.component.ts), copied here by the matrix.
import { VerifyComponent } from './verify.component';

@Component({
  selector: 'app-root',
  imports: [VerifyComponent],
  templateUrl: './app.html',
})
export class App {
  protected readonly verified = signal<boolean | undefined>(undefined);
}
