/** Types of fake-backend.mjs, for the TypeScript that uses it (the states gallery). */

/** The test runner's middleware (Koa): answers the fake backend's paths over HTTP. */
export function fakeBackend(ctx: unknown, next: () => Promise<unknown>): Promise<unknown>;

/** Answers the fake backend's paths of the page's own origin in the page itself; other requests go out. */
export function installFakeBackend(): void;
