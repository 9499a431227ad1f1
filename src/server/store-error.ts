/**
 * The store (flows, budgets, webhook tokens) could not answer: Redis down, paused or too slow.
 * Answered 503 `store_unavailable` with `Retry-After`, never 500: nothing is known to be wrong
 * with the request, and asking again once the store is back works.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  constructor(message = 'the store did not answer', options?: ErrorOptions) {
    super(message, options);
  }
}

/** Runs one store call; whatever it throws becomes a StoreUnavailableError (its cause kept for the log). */
export async function storeCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw error;
    throw new StoreUnavailableError(`the store did not answer (${what})`, { cause: error });
  }
}
