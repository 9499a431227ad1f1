/**
 * Fault switches: a browser test arms one, and the next matching request answers the way Prove
 * does when that goes wrong, so every error path of the real SDK can be driven on purpose.
 * Global to the emulator (tests run one at a time); each use consumes one of `times`.
 */
const CLIENT_FAULTS = [
  'otp-expired',
  'phone-rejected',
  'sends-exhausted',
  'token-expired',
  'server-error',
  'empty-answer',
  'unreadable-answer',
  'network-drop',
  'unknown-step',
  'socket-lost',
  'link-expired',
  'rate-limited',
] as const;

const SERVER_FAULTS = ['verify-refused', 'status-pending', 'prove-down'] as const;

export const FAULT_NAMES = [...CLIENT_FAULTS, ...SERVER_FAULTS] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

export const isFaultName = (name: unknown): name is FaultName =>
  typeof name === 'string' && (FAULT_NAMES as readonly string[]).includes(name);

interface Armed {
  times: number;
  retryAfter: number;
}

export class FaultBoard {
  private readonly armed = new Map<FaultName, Armed>();

  arm(name: FaultName, times: number, retryAfter: number): void {
    this.armed.set(name, { times, retryAfter });
  }

  disarmAll(): void {
    this.armed.clear();
  }

  list(): FaultName[] {
    return [...this.armed.keys()];
  }

  has(name: FaultName): boolean {
    return this.armed.has(name);
  }

  /** Uses the fault once when it is armed; answers what was armed with it. */
  take(name: FaultName): Armed | undefined {
    const armed = this.armed.get(name);
    if (!armed) return undefined;
    if (--armed.times <= 0) this.armed.delete(name);
    return { ...armed };
  }
}
