/** Medians with their spread, and the order that interleaves a candidate with its baseline. */

export interface Summary {
  n: number;
  median: number;
  p25: number;
  p75: number;
  min: number;
  max: number;
}

/** Linear interpolation between closest ranks (the usual "type 7" quantile). */
function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export function summarize(values: number[]): Summary {
  if (values.length === 0) throw new Error('no samples to summarize');
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    min: sorted[0]!,
    max: sorted.at(-1)!,
  };
}

/**
 * Candidate and baseline in ABBA order (A B B A A B B A …): each arm runs as often first as second
 * in a pair, so a warming machine or a neighbour's load drifting over the run hits both alike.
 */
export function interleave<T>(a: T, b: T, pairs: number): T[] {
  const order: T[] = [];
  for (let i = 0; i < pairs; i++) order.push(...(i % 2 === 0 ? [a, b] : [b, a]));
  return order;
}

/** Paired ratios: each candidate sample over the baseline sample of the same pair (pairs missing one are left out). */
export function pairedRatios(candidate: number[], baseline: number[]): number[] {
  const n = Math.min(candidate.length, baseline.length);
  return Array.from({ length: n }, (_, i) => candidate[i]! / baseline[i]!).filter(Number.isFinite);
}

/** The samples that were taken (a NaN marks one that was not). */
export const taken = (values: number[]) => values.filter(Number.isFinite);

export const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
export const ratio = (value: number) => `${value.toFixed(2)}×`;
export const spread = (s: Summary, format: (v: number) => string) => `${format(s.p25)}–${format(s.p75)}`;
