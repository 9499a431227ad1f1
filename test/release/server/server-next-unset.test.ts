/**
 * docs/server.md's Next.js route handlers (test/stacks/next/, an App Router layout, as that page shows
 * them) where `next build` runs them, and where a deploy missing Prove's secrets does: with no
 * PROVE_* variable. Importing them throws nothing (the build evaluates route modules); the first
 * request makes the settings, and their ConfigError is written once, whole, to the log, while every
 * request is answered a 500 that names no setting. prove-verify-server as built (dist/, through
 * package.json `exports`, as the fixtures import it).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { ADDY } from '../../server/app-helpers.js';

for (const name of Object.keys(process.env)) if (name.startsWith('PROVE_')) delete process.env[name];

const SITE = 'https://shop.example';
const ROUTES = ['verify', 'verify-status', 'webhook'] as const;
const METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
type RouteModule = Record<(typeof METHODS)[number], (request: Request) => Promise<Response>>;

const fixture = (route: string) => new URL(`../../stacks/next/app/api/${route}/route.ts`, import.meta.url);

describe("docs/server.md's Next.js route handlers with no PROVE_* variable set", () => {
  const modules: Partial<Record<(typeof ROUTES)[number], RouteModule>> = {};

  test('import without throwing (as `next build` evaluates them), each exporting every method', async () => {
    for (const route of ROUTES) {
      const module = (await import(fixture(route).href)) as RouteModule;
      for (const method of METHODS) assert.equal(typeof module[method], 'function', `${route} ${method}`);
      modules[route] = module;
    }
  });

  test('then every request is a 500 naming no setting, and the ConfigError is logged once, whole', async (t) => {
    const errors: string[] = [];
    const warnings: string[] = [];
    t.mock.method(console, 'error', (line: string) => errors.push(line));
    t.mock.method(console, 'warn', (line: string) => warnings.push(line));
    const post = (route: (typeof ROUTES)[number], body: unknown) =>
      modules[route]!.POST(
        new Request(`${SITE}/api/${route}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Origin: SITE },
          body: JSON.stringify(body),
        }),
      );
    const answers = [
      await post('verify', ADDY),
      await post('verify-status', {}),
      await post('webhook', { notifications: [] }),
      await modules['verify']!.GET(new Request(`${SITE}/api/verify`)),
    ];
    for (const answer of answers) {
      assert.equal(answer.status, 500);
      assert.match(answer.headers.get('content-type')!, /^application\/json/);
      const body = (await answer.json()) as { code: string; message: string };
      assert.deepEqual(body, {
        code: 'server_misconfigured',
        message: 'Verification is not set up on this server yet: its log says why',
      });
    }
    assert.deepEqual(errors, [
      'prove-verify: the handlers could not be set up, and every request is answered 500 until the server restarts with settings that work. ' +
        'ConfigError: PROVE_CLIENT_ID and PROVE_CLIENT_SECRET are not set: give the client id and secret of your Prove Portal project',
    ]);
    const refusal =
      'server_misconfigured POST /api/%s: Verification is not set up on this server yet: its log says why';
    assert.deepEqual(warnings, [
      `prove-verify 500 ${refusal.replace('%s', 'verify')}`,
      `prove-verify 500 ${refusal.replace('%s', 'verify-status')}`,
      `prove-verify 500 ${refusal.replace('%s', 'webhook')}`,
      'prove-verify 500 server_misconfigured GET /api/verify: Verification is not set up on this server yet: its log says why',
    ]);
  });

  test('the three route files are one file (docs/server.md "Next.js route handlers", block 2), byte for byte after their first line', async () => {
    const [verify, ...others] = await Promise.all(
      ROUTES.map(async (route) => (await readFile(fixture(route), 'utf8')).replace(/^.*\n/, '')),
    );
    for (const other of others) assert.equal(other, verify);
  });
});
