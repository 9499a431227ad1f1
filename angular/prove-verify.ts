/**
 * `prove-verify/angular`: a standalone directive on `<prove-verify>` that gives Angular typed
 * inputs for the element's properties and typed outputs for its events, so a component imports
 * it instead of `CUSTOM_ELEMENTS_SCHEMA` and `strictTemplates` checks every binding:
 *
 * ```ts
 * @Component({
 *   imports: [ProveVerify],
 *   template: `<prove-verify backendUrl="/api" (success)="done($event)" />`,
 * })
 * ```
 *
 * Built by ngc in partial compilation mode (tsconfig.angular.json), as Angular libraries ship:
 * the application's own Angular links it. Importing it registers `<prove-verify>`.
 */
import {
  Directive,
  ElementRef,
  booleanAttribute,
  inject,
  input,
  output,
  type OnChanges,
  type OutputEmitterRef,
  type Signal,
  type SimpleChanges,
} from '@angular/core';
import type { LitElement } from 'lit';
import 'prove-verify';
import type { ProveVerifyElement, ProveVerifyEventMap } from 'prove-verify';

export type {
  ProveVerifyElement,
  ProveVerifyErrorDetail,
  ProveVerifyEventMap,
  ProveVerifyResultDetail,
  ProveVerifyStepDetail,
  ProveVerifySuccessDetail,
} from 'prove-verify';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** The element's own properties (not Lit's or the DOM's). */
type Own = Exclude<keyof ProveVerifyElement, keyof LitElement>;

/**
 * What a page can set on the element: its own properties that are neither methods nor read-only
 * (`step`, `form`, `validity`…), as custom-elements.json lists its fields.
 */
type Settable = {
  [K in Own]: ProveVerifyElement[K] extends (...args: never[]) => unknown
    ? never
    : Equal<Pick<ProveVerifyElement, K>, Writable<Pick<ProveVerifyElement, K>>> extends true
      ? K
      : never;
}[Own];

/** One input per settable property, of its type: a property the element gains and this lacks does not compile. */
type Inputs = { readonly [K in Settable]: Signal<ProveVerifyElement[K] | undefined> };

/** One output per event, named without `prove-verify-` (`success`), emitting the element's own event. */
type Outputs = {
  readonly [E in keyof ProveVerifyEventMap as E extends `prove-verify-${infer Name}` ? Name : never]: OutputEmitterRef<
    ProveVerifyEventMap[E]
  >;
};

/**
 * A number as a template writes it (`timeout="20000"`) or binds it (`[timeout]="20000"`); a word
 * (`timeout="soon"`) does not compile.
 */
function toNumber(value: number | `${number}` | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

@Directive({
  selector: 'prove-verify',
  // Re-emitted under their own names: an output named like the DOM event would run a template's
  // handler twice (Angular listens to the element's event as well as the output).
  host: {
    '(prove-verify-step)': 'step.emit($event)',
    '(prove-verify-success)': 'success.emit($event)',
    '(prove-verify-failure)': 'failure.emit($event)',
    '(prove-verify-error)': 'error.emit($event)',
    '(prove-verify-cancel)': 'cancel.emit($event)',
  },
})
export class ProveVerify implements Inputs, Outputs, OnChanges {
  /** Required, as it is for the element: without it nothing can start. */
  readonly backendUrl = input.required<ProveVerifyElement['backendUrl']>();
  readonly verifyPath = input<ProveVerifyElement['verifyPath']>();
  readonly statusPath = input<ProveVerifyElement['statusPath']>();
  readonly possessionType = input<ProveVerifyElement['possessionType']>();
  readonly finalTargetUrl = input<ProveVerifyElement['finalTargetUrl']>();
  readonly firstName = input<ProveVerifyElement['firstName']>();
  readonly lastName = input<ProveVerifyElement['lastName']>();
  readonly phone = input<ProveVerifyElement['phone']>();
  readonly timeout = input(undefined, { transform: toNumber });
  readonly codeLifetime = input(undefined, { transform: toNumber });
  readonly linkLifetime = input(undefined, { transform: toNumber });
  readonly resendAfter = input(undefined, { transform: toNumber });
  readonly credentials = input<ProveVerifyElement['credentials']>();
  readonly theme = input<ProveVerifyElement['theme']>();
  readonly defaultCountry = input<ProveVerifyElement['defaultCountry']>();
  readonly countries = input<ProveVerifyElement['countries']>();
  readonly otpLength = input(undefined, { transform: toNumber });
  readonly strings = input<ProveVerifyElement['strings']>();
  readonly sdk = input<ProveVerifyElement['sdk']>();
  readonly sdkSrc = input<ProveVerifyElement['sdkSrc']>();
  readonly name = input<ProveVerifyElement['name']>();
  /** `required` alone, as on a form control, means true. */
  readonly required = input(undefined, { transform: booleanAttribute });

  readonly step = output<ProveVerifyEventMap['prove-verify-step']>();
  readonly success = output<ProveVerifyEventMap['prove-verify-success']>();
  readonly failure = output<ProveVerifyEventMap['prove-verify-failure']>();
  readonly error = output<ProveVerifyEventMap['prove-verify-error']>();
  readonly cancel = output<ProveVerifyEventMap['prove-verify-cancel']>();

  private readonly element = inject<ElementRef<ProveVerifyElement>>(ElementRef).nativeElement;

  /** Only the inputs a template binds reach the element: the others keep the element's defaults. */
  ngOnChanges(changes: SimpleChanges): void {
    Object.assign(
      this.element,
      Object.fromEntries(Object.keys(changes).map((name) => [name, this[name as Settable]()])),
    );
  }
}
