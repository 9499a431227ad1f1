/**
 * Handlers whose settings are made at the first request: `createProveVerifyHandlers(() => options)`.
 * A framework that evaluates route modules while it builds (Next.js's `next build`) runs the
 * module's top level where Prove's secrets are not set; settings read there would stop the build.
 *
 * Settings that cannot work are then found at the first request, not at startup, so they must not
 * be lost: the ConfigError is written once, whole, to the log (the options' `log` when they name
 * one, else console.error, even with `log: false`: silence here would leave only a page's "try
 * again"), and every request is answered 500 `server_misconfigured`, which names no setting. The
 * failure is kept: settings come from the environment, which a running process does not see change.
 */
import { HttpError } from './http-error.js';
import type { ProveVerifyHandler, ProveVerifyHandlers } from './handler-types.js';
import { errorResponse } from './json-response.js';
import type { ProveVerifyOptionsFactory } from './options.js';
import { logSink, oneLine, refusalLine, type LogSink } from './refusal-log.js';

export function lazyHandlers(
  factory: ProveVerifyOptionsFactory,
  make: (options: unknown) => ProveVerifyHandlers,
): ProveVerifyHandlers {
  let made: Promise<ProveVerifyHandlers> | undefined;

  async function setUp(): Promise<ProveVerifyHandlers> {
    let options: unknown;
    try {
      options = await factory();
      return make(options);
    } catch (error) {
      const log = (options as { log?: unknown } | undefined)?.log;
      const theirs = typeof log === 'function' ? (log as LogSink) : undefined;
      const reason =
        error instanceof Error
          ? `${error.name}: ${error.message}`
          : 'the settings function threw something that is not an Error';
      const line = `prove-verify: the handlers could not be set up, and every request is answered 500 until the server restarts with settings that work. ${reason}`;
      logSink(theirs, (text) => console.error(text))(oneLine(line, 4000));
      return misconfigured(logSink(theirs ?? (log === false ? false : undefined)));
    }
  }

  const ready = () => (made ??= setUp());
  const delegate =
    (pick: (handlers: ProveVerifyHandlers) => ProveVerifyHandler): ProveVerifyHandler =>
    async (request, context) =>
      pick(await ready())(request, context);

  return {
    verify: delegate((h) => h.verify),
    verifyStatus: delegate((h) => h.verifyStatus),
    webhook: delegate((h) => h.webhook),
    handle: delegate((h) => h.handle),
    async close() {
      if (made) await (await made).close();
    },
  };
}

/** Handlers that answer every request 500, each refusal logged as any other. */
function misconfigured(log: LogSink): ProveVerifyHandlers {
  // eslint-disable-next-line @typescript-eslint/require-await -- a handler answers a promise; a throw in `log` is a rejection
  const answer: ProveVerifyHandler = async (request) => {
    const refusal = new HttpError(
      500,
      'server_misconfigured',
      'Verification is not set up on this server yet: its log says why',
    );
    log(refusalLine(request, refusal, refusal));
    return errorResponse(refusal);
  };
  return { verify: answer, verifyStatus: answer, webhook: answer, handle: answer, close: async () => {} };
}
