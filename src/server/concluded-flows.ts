/**
 * The flows whose verdict this process has given, each remembered until it would have expired.
 * The store deletes a flow with its verdict, so a status call after that finds none; but two
 * status calls of one flow at once both read it before either deleted it, both ask Prove, and
 * both hold a verdict. Whichever claims the flow first here answers it (and calls onVerified);
 * the other is told the flow is over. Within one process only: machines sharing a Redis need the
 * store itself to hand a flow out once.
 */
export class ConcludedFlows {
  readonly #until = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Whether the flow `id` was still open here; it is concluded from now until `expiresAt`. */
  claim(id: string, expiresAt: number): boolean {
    const now = this.#now();
    if ((this.#until.get(id) ?? 0) > now) return false;
    // Swept as it grows: at most the flows concluded within one lifetime stay.
    if (this.#until.size >= 1024 && this.#until.size % 1024 === 0) {
      for (const [key, until] of this.#until) if (until <= now) this.#until.delete(key);
    }
    this.#until.set(id, expiresAt);
    return true;
  }
}
