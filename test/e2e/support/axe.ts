/**
 * axe-core in a page or one of its frames (WCAG 2.0/2.1/2.2 A and AA rules), shadow roots included.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Frame, Page } from 'playwright-core';

export const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Every violation in the page or frame as "rule: target (summary)", so a failure says what to fix.
 * `include`: a CSS selector to limit the check to (default: the whole document).
 */
export async function axeViolations(target: Page | Frame, include?: string): Promise<string[]> {
  const loaded = await target.evaluate(() => 'axe' in window);
  // Evaluated over the DevTools protocol rather than added as a <script>: the demo pages' CSP
  // (rightly) refuses inline scripts, and the check must not loosen the page it checks.
  if (!loaded) await target.evaluate(readFileSync(AXE_PATH, 'utf8'));
  return target.evaluate(
    async ({ tags, include }) => {
      type Result = { violations: { id: string; nodes: { target: unknown; failureSummary?: string }[] }[] };
      const axe = (window as unknown as { axe: { run(context: unknown, options: object): Promise<Result> } }).axe;
      const result = await axe.run(include ? { include: [include] } : document, {
        runOnly: { type: 'tag', values: tags },
      });
      return result.violations.flatMap((v) =>
        v.nodes.map(
          (n) =>
            `${v.id}: ${JSON.stringify(n.target)}${n.failureSummary ? ` (${n.failureSummary.replace(/\s+/g, ' ').slice(0, 200)})` : ''}`,
        ),
      );
    },
    { tags: WCAG_TAGS, include },
  );
}
