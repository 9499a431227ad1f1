/** The handlers' own types, apart so that the modules they are made of can name them. */

/** What the runtime knows of the connection and the handler cannot read from the Request. */
export interface RequestContext {
  /** The connection's remote address (Node: `socket.remoteAddress`; Deno: `info.remoteAddr.hostname`). */
  clientAddress?: string;
}

export type ProveVerifyHandler = (request: Request, context?: RequestContext) => Promise<Response>;

export interface ProveVerifyHandlers {
  verify: ProveVerifyHandler;
  verifyStatus: ProveVerifyHandler;
  webhook: ProveVerifyHandler;
  /**
   * All three behind one handler, chosen by the path's last segment (`…/verify`,
   * `…/verify-status`, `…/webhook`): mount it for every method, and a GET is answered 405 with
   * `Allow: POST` (as the contract says), any other path 404, each as `{code, message}`.
   */
  handle: ProveVerifyHandler;
  /** Stops the store's timers and lets go of its counts (a Redis client passed in stays open). */
  close(): Promise<void>;
}
