/**
 * Prove's client API as the browser SDK calls it with a flow's authToken (see scripts/load/flow.ts
 * for the whole flow): what an attacker holding a started flow can make Prove do, the texts above
 * all. The emulator's client API is where they land; its inbox is the phone.
 */
import { send, type Answer } from './http-client.js';

/** What Prove's SDK 3.6.2 sends as PA-Version. */
const PA_VERSION = 'ProveAuth/3.6.2 Contract/2.15.1 WEB/1';

/** The sandbox's code: it proves possession. */
const SANDBOX_OTP = '1234';

export class ProveSdk {
  readonly #endp: string;
  #next: string;

  constructor(
    private readonly authToken: string,
    private readonly from: string,
  ) {
    const claims = JSON.parse(Buffer.from(authToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      auth?: { endp?: string; next?: string };
    };
    this.#endp = claims.auth?.endp ?? '';
    this.#next = claims.auth?.next ?? '';
  }

  #call(step: string, body: object): Promise<Answer> {
    return send(`${this.#endp}/v1/client/${step}`, {
      from: this.from,
      headers: { authorization: `Bearer ${this.authToken}`, 'pa-version': PA_VERSION, accept: 'application/json' },
      body,
    });
  }

  /**
   * Past the steps before the code (a Prove Key this client does not have, Mobile Auth it cannot
   * run), as a browser without them reports them; true once the flow is at the OTP step.
   */
  async toOtp(): Promise<boolean> {
    for (let step = 0; step < 3 && this.#next !== 'mobile/otp'; step++) {
      if (!['device/passive', 'mobile/instant'].includes(this.#next)) return false;
      const answer = await this.#call(`${this.#next}/error`, { message: 'not on this client' });
      this.#next = typeof answer.body?.next === 'string' ? answer.body.next : '';
    }
    return this.#next === 'mobile/otp';
  }

  /**
   * One text (the first send or a resend); to `changeTo` when given (the SDK's "change number").
   * True when Prove sent it.
   */
  async text(changeTo?: string): Promise<boolean> {
    const answer = await this.#call('mobile/otp/start', changeTo ? { mobileNumber: changeTo } : {});
    return answer.status === 200 && answer.body?.next === 'mobile/otp';
  }

  /** The person enters the code. True when possession is proved. */
  async finish(code = SANDBOX_OTP): Promise<boolean> {
    const answer = await this.#call('mobile/otp/finish', { otp: code });
    return answer.status === 200 && answer.body?.next === 'done';
  }
}
