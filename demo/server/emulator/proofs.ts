/**
 * Phones whose possession a client proved with Unify, for verifiedUser: Prove's Verified Users
 * runs "Step 1: Authentication" first, and "this step must be complete before proceeding"
 * (docs/verified-users-flow). A proof counts for as long as the flow that made it would live.
 */
export class PossessionLedger {
  private readonly proofs = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs: number,
    private readonly maxProofs: number,
  ) {}

  get size(): number {
    return this.proofs.size;
  }

  record(clientId: string, phone: string): void {
    const key = `${clientId}\n${phone}`;
    this.proofs.delete(key); // re-inserted last, so the oldest stays first for eviction
    this.proofs.set(key, this.now() + this.ttlMs);
    while (this.proofs.size > this.maxProofs) this.proofs.delete(this.proofs.keys().next().value as string);
  }

  holds(clientId: string, phone: string): boolean {
    const expiresAt = this.proofs.get(`${clientId}\n${phone}`);
    return expiresAt !== undefined && expiresAt > this.now();
  }

  sweep(): void {
    const now = this.now();
    for (const [key, expiresAt] of this.proofs) if (expiresAt <= now) this.proofs.delete(key);
  }

  clear(): void {
    this.proofs.clear();
  }
}
