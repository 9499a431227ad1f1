/**
 * `npm run test:server`: every test file here in one process, each inside a suite named after it
 * (so its hooks stay its own). One process loads tsx, Hono and the emulator once instead of once per
 * file: about a quarter of the CPU time, which is what the 90-second `npm test` needs. A file still
 * runs alone: `node --import tsx --test test/server/app.test.ts`.
 */
import { readdirSync } from 'node:fs';
import { describe } from 'node:test';

const here = new URL('./', import.meta.url);
for (const name of readdirSync(here)
  .filter((file) => file.endsWith('.test.ts'))
  .sort()) {
  describe(name, async () => {
    await import(new URL(name, here).href);
  });
}
