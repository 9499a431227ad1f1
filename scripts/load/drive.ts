/** Runs N flows with at most C at once; stops starting new ones when the signal fires. */
import { setMaxListeners } from 'node:events';
import { FlowError, runFlow, type Target } from './flow.js';
import type { Recorder } from './recorder.js';

export interface DriveResult {
  /** From the first start to the last flow's end. */
  elapsedMs: number;
  /** Flows never started because the deadline came first. */
  notStarted: number;
}

export async function drive(
  target: Target,
  flows: number,
  concurrency: number,
  recorder: Recorder,
  signal: AbortSignal,
  requestTimeoutMs: number,
): Promise<DriveResult> {
  let started = 0;
  const began = performance.now();
  // Each running flow listens to the deadline once.
  setMaxListeners(concurrency + 10, signal);
  const worker = async () => {
    while (started < flows && !signal.aborted) {
      started++;
      const flowBegan = performance.now();
      // One signal per flow, let go when it ends: the deadline's listeners stay one per worker.
      const flowAbort = new AbortController();
      const stop = () => flowAbort.abort();
      signal.addEventListener('abort', stop, { once: true });
      try {
        await runFlow(target, recorder, flowAbort.signal, requestTimeoutMs);
        recorder.flow(performance.now() - flowBegan);
      } catch (error) {
        if (signal.aborted) recorder.error('cut short by the deadline');
        else if (error instanceof FlowError) recorder.error(error.message);
        else recorder.error(`script error: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        signal.removeEventListener('abort', stop);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { elapsedMs: performance.now() - began, notStarted: flows - started };
}
