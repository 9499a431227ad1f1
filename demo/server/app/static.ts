/**
 * The demo's static files: the pages, the Instant Link landing page and its script,
 * `/main.js` (demo/main.ts), `/gallery.js` (demo/gallery.ts, the states gallery) and
 * `/phone-panel.js` (demo/phone-panel.ts, the CDN page's Simulated phone) bundled in memory by
 * esbuild, Prove's SDK served byte for byte as Prove ships it, and the CDN build from `dist/cdn/`.
 */
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { demoPageCsp, LANDING_CSP, pageHeaders } from './page-policy.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The specifier our code imports Prove's SDK by. It stays a bare import in `/main.js` (never merged
 * into our bundle: Prove's licence wants its file unmodified) and the page's import map points it
 * at `/vendor/prove-auth.js`.
 */
export const PROVE_AUTH_SPECIFIER = '@prove-identity/prove-auth/build/bundle/release/prove-auth.js';

export function proveAuthBundlePath(): string {
  return createRequire(path.join(REPO_ROOT, 'package.json')).resolve(PROVE_AUTH_SPECIFIER);
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Where the Instant Link lands (the desktop flow's default finalTargetUrl). The phone cannot know
 * the verdict, so the page claims none: it finishes a flow started on this same phone and sends
 * the person back to where they started.
 */
export const LANDING_PAGE = '/link-opened.html';
/** The landing page's second name, so links in texts that carry it still arrive there. */
const OLD_LANDING_PAGE = '/verified.html';

export interface StaticOptions {
  /** Folder holding index.html, cdn.html, link-opened.html and .js, demo.css (default `demo/`). */
  demoDir?: string;
  /** Entry bundled as `/main.js` (default `demo/main.ts`). */
  mainEntry?: string;
  /** Entry bundled as `/gallery.js` (default `demo/gallery.ts`). */
  galleryEntry?: string;
  /** Folder served under `/cdn/` (default `dist/cdn/`). */
  cdnDir?: string;
  /** Bundle `/main.js`, `/gallery.js` and `/phone-panel.js` at startup (default true). */
  bundleMain?: boolean;
  /**
   * What the demo pages' CSP lets them connect to besides their own origin (Prove's client API
   * or the emulator). The app sets it from its mode; default none.
   */
  connectSources?: readonly string[];
  log?: (line: string) => void;
}

type BundleResult = { ok: true; code: string } | { ok: false; error: string };

interface StaticFile {
  file: string;
  /** An HTML page: it gets the page headers (CSP, no framing); `landing` the landing page's policy. */
  page?: 'demo' | 'landing';
}

const PAGES: Record<string, StaticFile> = {
  '/': { file: 'index.html', page: 'demo' },
  '/index.html': { file: 'index.html', page: 'demo' },
  '/cdn.html': { file: 'cdn.html', page: 'demo' },
  '/gallery.html': { file: 'gallery.html', page: 'demo' },
  [LANDING_PAGE]: { file: 'link-opened.html', page: 'landing' },
  '/link-opened.js': { file: 'link-opened.js' },
  '/demo.css': { file: 'demo.css' },
};

export class StaticFiles {
  readonly #demoDir: string;
  readonly #cdnDir: string;
  readonly #log: (line: string) => void;
  readonly #connectSources: readonly string[];
  /** The in-memory bundles by URL path, each with its entry's name for messages. */
  readonly #bundles = new Map<string, { name: string; result: Promise<BundleResult> }>();

  constructor(options: StaticOptions = {}) {
    this.#demoDir = options.demoDir ?? path.join(REPO_ROOT, 'demo');
    this.#cdnDir = options.cdnDir ?? path.join(REPO_ROOT, 'dist', 'cdn');
    this.#log = options.log ?? (() => {});
    this.#connectSources = options.connectSources ?? [];
    if (options.bundleMain !== false) {
      const entries: [string, string, string][] = [
        ['/main.js', 'demo/main.ts', options.mainEntry ?? path.join(this.#demoDir, 'main.ts')],
        ['/gallery.js', 'demo/gallery.ts', options.galleryEntry ?? path.join(this.#demoDir, 'gallery.ts')],
        ['/phone-panel.js', 'demo/phone-panel.ts', path.join(this.#demoDir, 'phone-panel.ts')],
      ];
      for (const [urlPath, name, entry] of entries)
        this.#bundles.set(urlPath, { name, result: this.#bundle(name, entry) });
    }
  }

  /** Resolves once every bundle is built (or failed to); answers whether all built. */
  async ready(): Promise<boolean> {
    if (this.#bundles.size === 0) return false;
    const results = await Promise.all([...this.#bundles.values()].map((bundle) => bundle.result));
    return results.every((result) => result.ok);
  }

  async #bundle(name: string, entry: string): Promise<BundleResult> {
    try {
      const result = await build({
        entryPoints: [entry],
        bundle: true,
        format: 'esm',
        target: 'es2021',
        write: false,
        minify: true,
        logLevel: 'silent',
        tsconfig: path.join(REPO_ROOT, 'tsconfig.json'),
        external: [PROVE_AUTH_SPECIFIER],
        absWorkingDir: REPO_ROOT,
      });
      const file = result.outputFiles[0];
      if (!file) return { ok: false, error: 'esbuild produced no output' };
      return { ok: true, code: file.text };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#log(`${name} did not build: ${message}`);
      return { ok: false, error: message };
    }
  }

  /**
   * The answer for a page, a bundle or the landing page's old name; undefined when the path is not
   * one of them (Prove's SDK and /cdn/* are Hono's serveStatic's, in routes.ts).
   */
  async respond(pathname: string, search: string): Promise<Response | undefined> {
    const page = Object.hasOwn(PAGES, pathname) ? PAGES[pathname] : undefined;
    if (page) return this.#fileResponse(path.join(this.#demoDir, page.file), page.page);
    if (pathname === OLD_LANDING_PAGE) {
      // The query matters: on the phone that started the flow it carries Prove's asc and authId.
      return bodyResponse(301, 'Moved\n', CONTENT_TYPES['.txt']!, { Location: LANDING_PAGE + search });
    }
    if (pathname === '/main.js' || pathname === '/gallery.js' || pathname === '/phone-panel.js') {
      const entry = this.#bundles.get(pathname);
      const name = entry?.name ?? `demo${pathname.replace(/\.js$/, '.ts')}`;
      const bundle = await (entry?.result ?? Promise.resolve<BundleResult>({ ok: false, error: 'bundling is off' }));
      if (bundle.ok) return bodyResponse(200, bundle.code, CONTENT_TYPES['.js']!);
      const text = `/* ${name} did not build */\nconsole.error(${JSON.stringify(`${name} did not build: ${bundle.error}`)});\n`;
      return bodyResponse(500, text, CONTENT_TYPES['.js']!);
    }
    return undefined;
  }

  /** The folder served under /cdn/. */
  get cdnDir(): string {
    return this.#cdnDir;
  }

  /** Undefined when the CDN folder exists, else the answer that says how to make it. */
  async cdnMissing(): Promise<Response | undefined> {
    const dir = await stat(this.#cdnDir).catch(() => undefined);
    if (dir?.isDirectory()) return undefined;
    return bodyResponse(
      404,
      'The CDN build is missing (dist/cdn/ does not exist). Run `npm run build` first (`npm start` does it for you).\n',
      CONTENT_TYPES['.txt']!,
    );
  }

  async #fileResponse(file: string, page?: StaticFile['page']): Promise<Response> {
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return bodyResponse(404, 'Not found\n', CONTENT_TYPES['.txt']!);
    // Every page and file served here is text (HTML, CSS, JavaScript).
    const body = await readFile(file, 'utf8');
    // The policy is made from the page as served, so an edited import map keeps its hash right.
    const headers =
      page === 'landing'
        ? pageHeaders(LANDING_CSP)
        : page === 'demo'
          ? pageHeaders(demoPageCsp(body, this.#connectSources))
          : {};
    return bodyResponse(200, body, contentTypeFor(file), headers);
  }
}

/** Every file's answer: typed, never sniffed, revalidated, and no Referer leaves with its links. */
export const FILE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

function bodyResponse(
  status: number,
  body: string,
  contentType: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(body, { status, headers: { ...FILE_HEADERS, 'Content-Type': contentType, ...headers } });
}
