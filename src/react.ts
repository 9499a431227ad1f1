'use client';
// The directive above makes Next.js's App Router render this on the client as well as the server:
// React's own handling of custom elements loses properties and listeners across hydration
// (react#35446), while @lit/react sets both on the element after React has attached it.
import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import type { ProveVerifyEventMap } from './events.js';
import { ProveVerifyElement } from './prove-verify.js';

export type {
  ProveVerifyErrorDetail,
  ProveVerifyEventMap,
  ProveVerifyResultDetail,
  ProveVerifyStepDetail,
  ProveVerifySuccessDetail,
} from './events.js';
export type { ProveVerifyElement } from './prove-verify.js';

type Named<K extends keyof ProveVerifyEventMap> = EventName<ProveVerifyEventMap[K]>;

const Wrapped = createComponent({
  react: React,
  tagName: 'prove-verify',
  elementClass: ProveVerifyElement,
  events: {
    onStep: 'prove-verify-step' as Named<'prove-verify-step'>,
    onSuccess: 'prove-verify-success' as Named<'prove-verify-success'>,
    onFailure: 'prove-verify-failure' as Named<'prove-verify-failure'>,
    onError: 'prove-verify-error' as Named<'prove-verify-error'>,
    onCancel: 'prove-verify-cancel' as Named<'prove-verify-cancel'>,
  },
  displayName: 'ProveVerify',
});

/** The element's methods and its read-only `step`: @lit/react would offer them as props too. */
type NotProps =
  | 'step'
  | {
      [K in Exclude<keyof ProveVerifyElement, keyof HTMLElement>]: ProveVerifyElement[K] extends (
        ...args: never[]
      ) => unknown
        ? K
        : never;
    }[Exclude<keyof ProveVerifyElement, keyof HTMLElement>];

/** The props `<ProveVerify>` takes: the element's settable properties, its events as `on…`, and React's own. */
export type ProveVerifyProps = Omit<React.ComponentPropsWithoutRef<typeof Wrapped>, NotProps>;

/**
 * `<prove-verify>` as a React component. Every element property is a prop, set as a property (so
 * `backendUrl`, `strings` and `sdk` arrive as values, not as lowercased attributes), and the
 * element's events are typed props:
 *
 * ```tsx
 * <ProveVerify backendUrl="/api" onSuccess={(e) => save(e.detail.result)} />
 * ```
 *
 * Importing this module registers `<prove-verify>`.
 */
export const ProveVerify = Wrapped as React.ForwardRefExoticComponent<
  ProveVerifyProps & React.RefAttributes<ProveVerifyElement>
>;
