// prove-verify/angular at run time: docs/frameworks.md's Angular component (test/stacks/angular/
// verify.component.ts, unchanged) in a small app, compiled by ngc as an application is, bundled by
// esbuild, and opened in Chromium. The directive's inputs reach the element (the first name shows in
// its field; Verify sends `possessionType: "mobile"`, where the element left alone would say
// desktop), and its `failure` output reaches the component, whose own output the page shows.
// Angular's packages and the directive ship partially compiled; the bundle links them at run time
// with Angular's compiler, reading the same declarations an application build links ahead of time.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { button, fields, heading, seen } from '../e2e/support/page.js';
import { ADDY, REPO_ROOT, ensureCdnBuild, launchBrowser } from '../e2e/support/stack.js';
import { serveSite, type Site } from './support/loopback-site.js';

const FIXTURE = path.join(REPO_ROOT, 'test/stacks/angular/verify.component.ts');
const REFUSED = { success: false, possessionResult: 'not_applicable', verifyResult: 'failed' };

/** The app around the docs' component: it passes a first name in and shows what `verified` said. */
const MAIN = `import '@angular/compiler';
import { Component, provideZonelessChangeDetection, signal } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { VerifyComponent } from './verify.component';

@Component({
  selector: 'app-root',
  imports: [VerifyComponent],
  template: \`<app-verify firstName="${ADDY.firstName}" (verified)="verified.set($event)" />
    <p>{{ verified() === undefined ? 'Waiting' : verified() ? 'Verified' : 'Not verified' }}</p>\`,
})
class App {
  readonly verified = signal<boolean | undefined>(undefined);
}

bootstrapApplication(App, { providers: [provideZonelessChangeDetection()] }).catch((error) => console.error(error));
`;

/** Compiles the app with ngc (full compilation, strictTemplates) and bundles it: the bundle's text. */
async function buildApp(): Promise<string> {
  // Inside the repository, so `prove-verify/angular` resolves to this package's dist/.
  mkdirSync(path.join(REPO_ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(path.join(REPO_ROOT, '.tmp/angular-app-'));
  try {
    writeFileSync(path.join(dir, 'verify.component.ts'), readFileSync(FIXTURE, 'utf8'));
    writeFileSync(path.join(dir, 'main.ts'), MAIN);
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        module: 'ES2022',
        moduleResolution: 'bundler',
        lib: ['ES2022', 'DOM'],
        strict: true,
        skipLibCheck: true,
        types: [],
        outDir: 'out',
      },
      files: ['main.ts'],
      angularCompilerOptions: { strictTemplates: true },
    };
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    execFileSync(path.join(REPO_ROOT, 'node_modules/.bin/ngc'), ['-p', dir], { cwd: REPO_ROOT, stdio: 'pipe' });
    const result = await build({
      entryPoints: [path.join(dir, 'out/main.js')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    return result.outputFiles[0]!.text;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('prove-verify/angular in an Angular app (Chromium)', () => {
  let browser: Browser;
  let site: Site;

  before(async () => {
    ensureCdnBuild();
    const bundle = await buildApp();
    [browser, site] = await Promise.all([
      launchBrowser(),
      serveSite({
        // An icon of its own: no /favicon.ico request, whose 404 Chromium reports as an error.
        pages: {
          '/': '<!doctype html>\n<html lang="en">\n<title>App</title>\n<link rel="icon" href="data:,">\n<app-root></app-root>\n<script type="module" src="/main.js"></script>\n',
          '/main.js': bundle,
        },
        api: { verify: REFUSED },
      }),
    ]);
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  it('sets the bound inputs on the element and hands its failure to the component', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    try {
      await page.goto(site.origin);
      const f = fields(page);
      await seen(f.firstName);
      assert.equal(await f.firstName.inputValue(), ADDY.firstName, '[firstName] did not reach the element');
      await seen(page.getByText('Waiting', { exact: true }));
      await f.lastName.fill(ADDY.lastName);
      await f.phone.fill(ADDY.phone);
      await button(page, 'Verify').click();
      await seen(heading(page, 'We couldn’t verify this phone number'));
      await seen(page.getByText('Not verified', { exact: true }));

      const start = site.requests.find((request) => request.method === 'POST' && request.path === '/api/verify');
      // backendUrl="/api" and possessionType="mobile" as the template writes them.
      assert.deepEqual(start?.body, {
        firstName: ADDY.firstName,
        lastName: ADDY.lastName,
        phoneNumber: ADDY.e164,
        possessionType: 'mobile',
      });
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});
