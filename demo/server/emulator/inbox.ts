/**
 * The "simulated phone": every SMS the emulator would have sent, readable by number. Messages
 * belong to a flow and leave with it, so the inbox is bounded by the flow store (at most
 * MAX_SENDS messages a flow).
 */
export interface SmsMessage {
  /** E.164. */
  to: string;
  body: string;
  otp?: string;
  link?: string;
  /** ISO 8601. */
  sentAt: string;
}

interface StoredMessage {
  flowId: string;
  sentAtMs: number;
  message: SmsMessage;
}

export class Inbox {
  private readonly byPhone = new Map<string, StoredMessage[]>();
  private readonly phonesByFlow = new Map<string, Set<string>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  send(
    flowId: string,
    to: string,
    body: string,
    nowMs: number,
    extra: { otp?: string; link?: string } = {},
  ): SmsMessage {
    const message: SmsMessage = { to, body, ...extra, sentAt: new Date(nowMs).toISOString() };
    const list = this.byPhone.get(to) ?? [];
    list.push({ flowId, sentAtMs: nowMs, message });
    this.byPhone.set(to, list);
    const phones = this.phonesByFlow.get(flowId) ?? new Set<string>();
    phones.add(to);
    this.phonesByFlow.set(flowId, phones);
    this.count++;
    return message;
  }

  /** Oldest first; with `newest`, only that many of the latest. */
  list(phone: string, newest?: number): SmsMessage[] {
    const list = [...(this.byPhone.get(phone) ?? [])].sort((a, b) => a.sentAtMs - b.sentAtMs);
    return (newest === undefined ? list : list.slice(-newest)).map((m) => ({ ...m.message }));
  }

  dropFlow(flowId: string): void {
    const phones = this.phonesByFlow.get(flowId);
    if (!phones) return;
    this.phonesByFlow.delete(flowId);
    for (const phone of phones) {
      const list = this.byPhone.get(phone) ?? [];
      const kept = list.filter((m) => m.flowId !== flowId);
      this.count -= list.length - kept.length;
      if (kept.length > 0) this.byPhone.set(phone, kept);
      else this.byPhone.delete(phone);
    }
  }

  clear(): void {
    this.byPhone.clear();
    this.phonesByFlow.clear();
    this.count = 0;
  }
}
