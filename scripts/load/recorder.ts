/** Timings and failures of a load run, summarized as counts and percentiles. */

export type RequestKind =
  | 'app /api/verify'
  | 'client preflight'
  | 'client device/passive/error'
  | 'client otp/start'
  | 'sandbox inbox'
  | 'client otp/finish'
  | 'app /api/verify-status';

export const REQUEST_KINDS: readonly RequestKind[] = [
  'app /api/verify',
  'client preflight',
  'client device/passive/error',
  'client otp/start',
  'sandbox inbox',
  'client otp/finish',
  'app /api/verify-status',
];

export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest rank: the value at or below which p of the samples fall; always one that was measured. */
function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { count: 0, p50: NaN, p99: NaN, max: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
  return { count: sorted.length, p50: rank(0.5), p99: rank(0.99), max: sorted.at(-1)! };
}

export class Recorder {
  private readonly requests = new Map<RequestKind, number[]>(REQUEST_KINDS.map((kind) => [kind, []]));
  private readonly flows: number[] = [];
  /** "kind: reason" → how many times. */
  private readonly errors = new Map<string, number>();

  request(kind: RequestKind, ms: number): void {
    this.requests.get(kind)!.push(ms);
  }

  flow(ms: number): void {
    this.flows.push(ms);
  }

  error(what: string): void {
    this.errors.set(what, (this.errors.get(what) ?? 0) + 1);
  }

  get completed(): number {
    return this.flows.length;
  }

  get failed(): number {
    let n = 0;
    for (const count of this.errors.values()) n += count;
    return n;
  }

  summary() {
    return {
      requests: Object.fromEntries(
        REQUEST_KINDS.map((kind) => [kind, percentiles(this.requests.get(kind)!)]),
      ) as Record<RequestKind, Percentiles>,
      flow: percentiles(this.flows),
      errors: Object.fromEntries([...this.errors].sort((a, b) => b[1] - a[1])),
    };
  }
}
