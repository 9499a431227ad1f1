// docs/frameworks.md "React and Next.js", block 2: the tag itself, typed by prove-verify/jsx.
import type { CustomElements } from 'prove-verify/jsx';
import 'prove-verify';

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements extends CustomElements {}
  }
}

export const Verify = ({ onVerified }: { onVerified: (phoneVerified: boolean) => void }) => (
  <prove-verify
    backend-url="/api"
    possession-type="desktop"
    onprove-verify-success={(e) => onVerified(e.detail.result.success)}
    onprove-verify-failure={(e) => onVerified(e.detail.result.success)}
  />
);
