/**
 * One SDK step waiting for the person: the SDK asks, the person answers (or refuses, which the
 * SDK reports to Prove as the step's error), or the flow drops it and the SDK is never answered.
 */
export class PendingAnswer<T> {
  private settle?: { resolve(value: T): void; reject(reason: Error): void };

  /** The SDK's step: a promise the person's action settles. */
  ask(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }

  get waiting(): boolean {
    return this.settle !== undefined;
  }

  /** Answers the waiting step; false when none waits. */
  answer(value: T): boolean {
    const settle = this.take();
    settle?.resolve(value);
    return settle !== undefined;
  }

  /** Rejects the waiting step, as Prove's guide asks when the person cancels or goes back. */
  refuse(reason: Error): boolean {
    const settle = this.take();
    settle?.reject(reason);
    return settle !== undefined;
  }

  /** Forgets the waiting step without settling it. */
  drop(): void {
    this.settle = undefined;
  }

  private take() {
    const settle = this.settle;
    this.settle = undefined;
    return settle;
  }
}

/** The answer a step of a finished attempt gets: none, so an old SDK run can never move on. */
export const never = <T>(): Promise<T> => new Promise<T>(() => {});
