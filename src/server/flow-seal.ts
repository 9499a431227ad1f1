/**
 * The personal part of a flow record (the phone number, the names, the clientCustomerId) sealed
 * with AES-256-GCM before it reaches any store, memory or Redis: a store's dump, a Redis replica
 * or its backups then hold none of it in clear. The key comes from the Prove client secret
 * (ProveClient.deriveKey, HKDF), so every machine sharing a Redis opens what another sealed, and
 * none has to be given a key of its own. The flow's clientRequestId and contract are bound to the
 * seal (additional data): a sealed person moved onto another flow does not open.
 */
import { base64url } from 'jose';
import type { FlowRecord } from './flows/flow.js';
import type { ProveClient } from './prove-client.js';
import type { StoredFlow } from './memory-flows.js';

const PURPOSE = 'prove-verify-server flow record';
const IV_BYTES = 12;

type Person = Pick<FlowRecord, 'phoneNumber' | 'firstName' | 'lastName' | 'clientCustomerId'>;

export interface FlowSeal {
  seal(record: FlowRecord): Promise<StoredFlow>;
  /** The record, or undefined when it does not open (the client secret changed, or it was tampered with). */
  open(stored: StoredFlow): Promise<FlowRecord | undefined>;
}

const boundTo = (flow: Pick<StoredFlow, 'contract' | 'clientRequestId'>) =>
  new TextEncoder().encode(`${flow.contract}\n${flow.clientRequestId}`);

export function flowSeal(prove: ProveClient): FlowSeal {
  const key = () => prove.deriveKey(PURPOSE);
  return {
    async seal({ correlationId, clientRequestId, contract, ...person }) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const plain = new TextEncoder().encode(JSON.stringify(person satisfies Person));
      const box = new Uint8Array(
        await crypto.subtle.encrypt(
          { name: 'AES-GCM', iv, additionalData: boundTo({ contract, clientRequestId }) },
          await key(),
          plain,
        ),
      );
      const sealed = new Uint8Array(IV_BYTES + box.length);
      sealed.set(iv);
      sealed.set(box, IV_BYTES);
      return { correlationId, clientRequestId, contract, sealed: base64url.encode(sealed) };
    },
    async open(stored) {
      if (typeof stored.sealed !== 'string' || (stored.contract !== 'unify' && stored.contract !== 'verify-status'))
        return undefined;
      try {
        const bytes = base64url.decode(stored.sealed);
        const plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: bytes.slice(0, IV_BYTES), additionalData: boundTo(stored) },
          await key(),
          bytes.slice(IV_BYTES),
        );
        const person = JSON.parse(new TextDecoder().decode(plain)) as Person;
        return {
          correlationId: stored.correlationId,
          clientRequestId: stored.clientRequestId,
          contract: stored.contract,
          ...person,
        };
      } catch {
        return undefined;
      }
    },
  };
}
