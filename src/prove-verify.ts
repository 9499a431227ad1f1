import { ProveVerifyElement } from './prove-verify-element.js';

export * from './prove-verify-element.js';

// Registering is this module's only side effect; import './element' to register under another name.
if (!customElements.get('prove-verify')) customElements.define('prove-verify', ProveVerifyElement);

declare global {
  interface HTMLElementTagNameMap {
    'prove-verify': ProveVerifyElement;
  }
}
