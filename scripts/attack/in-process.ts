/**
 * The contract's handlers called in this process, for what loopback cannot show: client
 * addresses that are no socket's (IPv6 beyond ::1, a hundred thousand addresses), and floods
 * faster than sockets go. Default settings, Prove at the counter in front of the emulator.
 */
import { DEMO_WEBHOOK_SECRET } from '../../demo/server/app/index.js';
import {
  createProveVerifyHandlers,
  type ProveVerifyHandler,
  type ProveVerifyHandlers,
} from '../../src/server/index.js';
import type { Person } from './browser.js';
import { CLIENT } from './stack.js';

/**
 * The page the in-process handlers answer (requests from no page, as an attacker's script sends
 * them, are answered too).
 */
const PAGE = 'http://127.0.0.1:8080';

export function inProcessHandlers(proveUrl: string): ProveVerifyHandlers {
  return createProveVerifyHandlers({
    prove: { baseUrl: proveUrl, ...CLIENT },
    finalTarget: { landingUrl: `${PAGE}/link-opened.html` },
    pageOrigins: [PAGE],
    webhookSecret: DEMO_WEBHOOK_SECRET,
    log: false,
  });
}

export interface Outcome {
  status: number;
  retryAfter?: number;
  code?: string;
}

/** One call of `handler` as if from `clientAddress`. */
export async function call(
  handler: ProveVerifyHandler,
  path: string,
  body: unknown,
  clientAddress: string,
  headers: Record<string, string> = {},
): Promise<Outcome> {
  const request = new Request(`${PAGE}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const response = await handler(request, { clientAddress });
  const text = await response.text();
  let code: string | undefined;
  try {
    const parsed = JSON.parse(text) as { code?: unknown };
    code = typeof parsed.code === 'string' ? parsed.code : undefined;
  } catch {
    code = undefined;
  }
  const wait = response.headers.get('retry-after');
  return { status: response.status, code, ...(wait === null ? {} : { retryAfter: Number(wait) }) };
}

export const startBody = (person: Person) => ({ possessionType: 'mobile', ...person });

export const describeOutcome = (o: Outcome) =>
  `${o.status}${o.code ? ` ${o.code}` : ''}${o.retryAfter === undefined ? '' : ` (Retry-After ${o.retryAfter})`}`;
