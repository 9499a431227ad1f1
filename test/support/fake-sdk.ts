/**
 * A stand-in for Prove's SDK in component tests. It follows the real SDK's order of steps (read
 * from prove-auth 3.6.2's mobile-otp-step.js and mobile-instantlink-step.js): start step, then
 * code entry until Prove accepts a code (resend skips the start step; a change of number asks the
 * start step again with phoneNumberNeeded), or, on desktop, the retry step until the link is
 * opened; then the finish step. "Prove" here accepts the code 1234.
 *
 * The component tests and the states gallery (demo/gallery/) both drive the element with it.
 */
import {
  toSdkFailure,
  type CodeAnswer,
  type CodeProblem,
  type FlowSteps,
  type LinkAnswer,
  type PossessionType,
  type ProveSdk,
  type SdkFailure,
  type SdkRun,
} from '../../src/sdk.js';
import { nth } from './nth.js';

export interface FakeRun {
  authToken: string;
  possession: PossessionType;
  cancelled: boolean;
  /** Numbers the start step gave (null: the backend's). */
  phoneNumbers: (string | null)[];
  /** Times the SDK asked for a code (the first ask included). */
  codePrompts: number;
  codes: string[];
  resends: number;
  /** Steps the page refused (the real SDK reports each to Prove as `/v1/client/<step>/error`). */
  refusedSteps: string[];
  /** Times the SDK called the finish step. */
  finishes: number;
  /** The desktop person opened the link on their phone. */
  openLink(): void;
  /** Makes the run reject, as the SDK does on an HTTP error or Prove's `{error}` with no `next`. */
  fail(message: string, code?: number): void;
  /**
   * Makes the current step fail the way the SDK reports to Prove and then finishes (an empty or
   * unreadable answer, a network error, a lost socket): the finish step gets the reason.
   */
  report(message: string): void;
}

/** What `FakeSdk.hold` can hold: the first send, the judging of a code, a send again. */
type HeldStep = 'send' | 'code' | 'resend';

export class FakeSdk implements ProveSdk {
  mobile = false;
  /** When set, the first start step is told Prove refused the number. */
  rejectNumberOnce = false;
  /** As with a token whose `mnp` claim is false: the start step must give the number. */
  numberNeeded = false;
  /** As when Prove answers the link start with `{data: {}}`: the SDK only waits, no retry step. */
  noRetryStep = false;
  /** As when each code is typed after its lifetime: Prove answers that it expired. */
  codesExpire = false;
  /** Wrong codes Prove takes in a run; after the last, it answers `next: "done"` and the SDK finishes. */
  codesAllowed = Infinity;
  runs: FakeRun[] = [];
  /** The run started `index`-th (0: the first; -1: the last), or a failure if there is none. */
  runAt(index: number): FakeRun {
    return nth(this.runs, index, 'SDK run');
  }
  /** Steps "Prove" is holding its answer to (see `hold`). */
  private held: Partial<Record<HeldStep, Promise<void>>> = {};

  /**
   * Holds "Prove"'s answer until `release()`: to the first send of the code or link (`send`), to
   * the codes it judges (`code`) or to the codes it sends again (`resend`). The step waiting on
   * Prove stays on screen for as long as a test looks at it.
   */
  hold(step: HeldStep): { release(): void } {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    this.held[step] = held;
    return {
      release: () => {
        if (this.held[step] === held) delete this.held[step];
        release();
      },
    };
  }

  /** Prove's answer comes in a task of its own, as over the network, and not while held. */
  private async answer(step: 'code' | 'resend'): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve));
    await this.held[step];
  }

  isMobileWeb() {
    return Promise.resolve(this.mobile);
  }

  run(authToken: string, possession: PossessionType, steps: FlowSteps): Promise<SdkRun> {
    let openLink!: () => void;
    let fail!: (error: Error) => void;
    let report!: (failure: SdkFailure) => void;
    const reported = new Promise<SdkFailure>((resolve) => (report = resolve));
    const linkOpened = new Promise<'opened'>((resolve) => (openLink = () => resolve('opened')));
    const failed = new Promise<never>((_, reject) => (fail = reject));
    const run: FakeRun = {
      authToken,
      possession,
      cancelled: false,
      phoneNumbers: [],
      codePrompts: 0,
      codes: [],
      resends: 0,
      refusedSteps: [],
      finishes: 0,
      openLink,
      fail: (message, code) => fail(Object.assign(new Error(message), { code })),
      report: (message) => report(toSdkFailure(new Error(message), authToken)),
    };
    this.runs.push(run);
    // Like the real SDK: the start step answers, the number goes to Prove, and a refused number
    // brings the start step back with an error.
    // A refused step is reported, then the SDK runs the finish step, as the real one does when
    // Prove answers the report with `next: "done"`.
    const refusable = async <T>(step: string, promise: Promise<T>): Promise<T> => {
      try {
        return await promise;
      } catch (error) {
        run.refusedSteps.push(step);
        throw error;
      }
    };
    const askNumber = async (needed: boolean) => {
      run.phoneNumbers.push(await refusable('phone', steps.phoneNumber(needed)));
      if (this.rejectNumberOnce) {
        this.rejectNumberOnce = false;
        run.phoneNumbers.push(
          await refusable(
            'phone',
            steps.phoneNumber(needed, { proveCode: 8000, proveMessage: 'phone number is not valid' }),
          ),
        );
      }
    };
    const mobile = async () => {
      await askNumber(this.numberNeeded);
      // Only a held send is waited for: an unheld one takes no tick, so the code step follows at once.
      if (this.held.send) await this.held.send;
      let problem: CodeProblem | undefined;
      let wrong = 0;
      for (;;) {
        run.codePrompts++;
        const answer: CodeAnswer = await refusable('code', steps.code(problem));
        problem = undefined;
        if (answer.kind === 'code') {
          run.codes.push(answer.code);
          await this.answer('code');
          if (this.codesExpire) problem = { kind: 'expired', proveMessage: 'the code has expired' };
          else if (answer.code === '1234' || ++wrong >= this.codesAllowed) break;
          else problem = { kind: 'wrong', proveMessage: 'the code is not right' };
        } else if (answer.kind === 'resend') {
          run.resends++;
          await this.answer('resend');
        } else {
          await askNumber(true);
        }
      }
    };
    const desktop = async () => {
      await askNumber(this.numberNeeded);
      if (this.held.send) await this.held.send;
      if (this.noRetryStep) {
        await linkOpened;
        return;
      }
      for (;;) {
        const answer: LinkAnswer | 'opened' = await Promise.race([refusable('link', steps.linkSent()), linkOpened]);
        if (answer === 'opened') break;
        if (answer === 'resend') run.resends++;
        else await askNumber(true);
      }
    };
    const finish = (failure?: SdkFailure) => {
      run.finishes++;
      return steps.finish(failure);
    };
    const flow = (possession === 'mobile' ? mobile() : desktop()).then(() => undefined);
    const done = Promise.race([flow, failed, reported]).then(finish, (error: unknown) => {
      if (run.refusedSteps.length > 0) return finish();
      // The real adapter rejects with its own reasons, never the SDK's raw errors.
      throw toSdkFailure(error, authToken);
    });
    return Promise.resolve({
      done,
      cancel: () => {
        run.cancelled = true;
      },
    });
  }
}
