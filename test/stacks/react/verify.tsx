// docs/frameworks.md "React and Next.js", block 1: the wrapper, in a Next.js App Router client component.
'use client';
import { ProveVerify } from 'prove-verify/react';

export function Verify({ onVerified }: { onVerified: (phoneVerified: boolean) => void }) {
  return (
    <ProveVerify
      backendUrl="/api"
      possessionType="mobile"
      onStep={(e) => console.debug(e.detail.step)}
      onSuccess={(e) => onVerified(e.detail.result.success)}
      onFailure={(e) => onVerified(e.detail.result.success)}
      onError={(e) => console.warn(e.detail.code, e.detail.recoverable)}
      onCancel={() => onVerified(false)}
    />
  );
}
