/**
 * The budgets as the backend has them by default, read rather than written down here: their names
 * and values change with the code, and the report compares what got through with them.
 */
import { DEFAULT_LIMITS } from '../../src/server/index.js';

const limits = DEFAULT_LIMITS as unknown as Readonly<Record<string, unknown>>;

/** `startsPerPhone 10, ...`: every default, for the report's header. */
export function limitsLine(): string {
  return Object.entries(limits)
    .map(([name, value]) => `${name} ${typeof value === 'number' ? String(value) : JSON.stringify(value)}`)
    .join(', ');
}

/** The first numeric budget whose name matches, e.g. /phone/i. */
export function budgetNamed(pattern: RegExp): { name: string; value: number } | undefined {
  for (const [name, value] of Object.entries(limits)) {
    if (pattern.test(name) && typeof value === 'number' && value > 0) return { name, value };
  }
  return undefined;
}
