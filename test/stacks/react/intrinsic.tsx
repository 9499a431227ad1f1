// README "React and Next.js": the tag itself, typed by prove-verify/jsx (Preact and Solid take the
// same `CustomElements` in their own JSX namespace).
import type { CustomElements } from 'prove-verify/jsx';
import 'prove-verify';

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements extends CustomElements {}
  }
}

export const Verify = () => <prove-verify backend-url="/api" possession-type="desktop" onprove-verify-success={(e) => console.log(e.detail.result.success)} />;
