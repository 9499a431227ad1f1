/**
 * Attack 11: the webhook replay cache, filled. Each token is remembered until it expires so it is
 * taken once; whoever can sign (here with the demo's public secret, as a leaked secret or a burst
 * of Prove's own deliveries would) fills the cache, and then a legitimate delivery must still be
 * taken. In-process with the default cache size, signed as the emulator signs (webhook.ts).
 */
import { randomUUID } from 'node:crypto';
import { DEMO_WEBHOOK_SECRET } from '../../demo/server/app/index.js';
import { signWebhookToken } from '../../demo/server/emulator/webhook.js';
import { call, describeOutcome, inProcessHandlers, type Outcome } from './in-process.js';
import { Bound, seconds, workers } from './pace.js';
import { row, type Row } from './report.js';
import { withProve } from './stack.js';

type Say = (line: string) => void;

async function delivery(): Promise<{ body: unknown; headers: Record<string, string> }> {
  const nowMs = Date.now();
  const jwt = await signWebhookToken(DEMO_WEBHOOK_SECRET, nowMs);
  const notification = {
    eventId: randomUUID(),
    event: 'phone number change detected',
    eventType: 'PHONE_NUMBER_CHANGE',
    eventTimestamp: new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    clientCustomerId: randomUUID(),
    identityId: randomUUID(),
  };
  return { body: { notifications: [notification] }, headers: { 'x-prove-authorization': `Bearer ${jwt}` } };
}

export function webhookCache(say: Say): Promise<Row[]> {
  return withProve(async (prove) => {
    const handlers = inProcessHandlers(prove.proveUrl);
    try {
      const bound = new Bound(12_000, 10_000);
      let accepted = 0;
      let firstRefusal: Outcome | undefined;
      await workers(16, async () => {
        while (!firstRefusal && bound.take()) {
          const { body, headers } = await delivery();
          const outcome = await call(handlers.webhook, '/api/webhook', body, '127.0.11.1', headers);
          if (outcome.status === 200) accepted++;
          else firstRefusal ??= outcome;
        }
      });
      const legit = await delivery();
      const answer = await call(handlers.webhook, '/api/webhook', legit.body, '127.0.11.2', legit.headers);
      const refused = answer.status !== 200;
      say(
        `in-process, default cache size: ${bound.used} signed deliveries in ${seconds(bound.elapsedMs)}: ${accepted} taken, first refusal ${firstRefusal ? describeOutcome(firstRefusal) : 'none'}`,
      );
      say(`a legitimate delivery after that: ${describeOutcome(answer)}`);
      return [
        row({
          attack: '11. webhook replay cache filled',
          sent: `${bound.used} signed deliveries`,
          through: firstRefusal
            ? `refused after ${accepted} taken`
            : `all ${accepted} taken, the cache full and forgetting the first issued`,
          legitRefused: refused ? `YES: ${describeOutcome(answer)}` : 'no (200)',
          gotThrough: refused,
          why: refused
            ? 'a legitimate delivery is refused while the cache is full'
            : 'legitimate deliveries are still taken',
        }),
      ];
    } finally {
      await handlers.close();
    }
  });
}
