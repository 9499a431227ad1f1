#!/usr/bin/env node
// `npm run dev`: the demo (as `npm start`) that rebuilds on change and reloads the page.
//
// - `rollup -c -w` rebuilds the CDN build (dist/cdn/, the CDN page's script) when src/ changes;
// - the demo server (demo/server/start.ts, with its emulator) runs on a private port and is
//   restarted when a .ts file under src/ or demo/ (or the fakes in test/support/ the gallery
//   uses) changes: it bundles /main.js, /gallery.js and /phone-panel.js from source when it starts;
// - this script answers on PORT (default 8080): it passes every request to the demo server and
//   adds one script to its pages, which reloads them (server-sent events from /__dev/events) once
//   the server answers again after a restart, or when a page, a stylesheet or dist/cdn/ changes.
//
// `--no-cdn`: neither the first build nor rollup's watch (the CDN page serves dist/cdn/ as it is).
// Ctrl-C stops everything.
import { spawn, spawnSync } from 'node:child_process';
import { watch } from 'node:fs';
import { createServer, request } from 'node:http';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const withCdn = !process.argv.includes('--no-cdn');
const port = Number(process.env.PORT || 8080);
const bin = (name) => `${ROOT}node_modules/.bin/${name}`;

/** A free loopback port for the demo server behind this one. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address();
      server.close(() => resolve(free));
    });
    server.once('error', reject);
  });
}

if (
  withCdn &&
  spawnSync(process.execPath, ['scripts/build-if-stale.mjs'], { cwd: ROOT, stdio: 'inherit' }).status !== 0
) {
  process.exit(1);
}

const children = new Set();
function start(command, args, env) {
  const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
const stopChild = (child) =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });

if (withCdn) start(bin('rollup'), ['-c', '-w', '--no-watch.clearScreen']);

// The demo server. Its pages are this script's origin: the emulator and the backend accept it.
const appPort = await freePort();
const publicOrigin = process.env.PUBLIC_ORIGIN || `http://localhost:${port}`;
let app;
let restarting = Promise.resolve();

async function appAnswers() {
  for (let i = 0; i < 300 && app.exitCode === null; i += 1) {
    const ok = await fetch(`http://127.0.0.1:${appPort}/`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

function startApp() {
  app = start(bin('tsx'), ['demo/server/start.ts'], { PORT: String(appPort), PUBLIC_ORIGIN: publicOrigin });
  return appAnswers();
}

// The pages listening for a reload.
const listeners = new Set();
function reload(why) {
  console.log(`dev: ${why}: reloading ${listeners.size} page(s)`);
  for (const response of listeners) response.write('event: reload\ndata: \n\n');
}

function restartApp(why) {
  restarting = restarting.then(async () => {
    console.log(`dev: ${why}: restarting the demo server`);
    await stopChild(app);
    if (await startApp()) reload(why);
  });
}

// Changes: a .ts file under src/ or demo/, or a module under test/support/ (the gallery's fakes), restarts the
// server; anything else there, or in dist/cdn/, reloads.
let pending;
function changed(why, restart) {
  clearTimeout(pending?.timer);
  const next = { restart: restart || pending?.restart, why };
  next.timer = setTimeout(() => {
    pending = undefined;
    if (next.restart) restartApp(next.why);
    else reload(next.why);
  }, 150);
  pending = next;
}
const watchers = [];
for (const dir of ['src', 'demo', 'test/support']) {
  watchers.push(
    watch(`${ROOT}${dir}`, { recursive: true }, (_event, file) => {
      if (file) changed(`${dir}/${file}`, /\.(ts|mjs)$/.test(file));
    }),
  );
}
if (withCdn) {
  // rollup writes dist/cdn/ whole; the folder may not exist yet on the first run.
  const watchCdn = () => {
    try {
      watchers.push(watch(`${ROOT}dist/cdn`, { recursive: true }, () => changed('dist/cdn', false)));
    } catch {
      setTimeout(watchCdn, 1000).unref();
    }
  };
  watchCdn();
}

const RELOAD_SCRIPT = "new EventSource('/__dev/events').addEventListener('reload', () => location.reload());\n";
const RELOAD_TAG = '<script type="module" src="/__dev/reload.js"></script>';

const server = createServer((req, res) => {
  if (req.url === '/__dev/reload.js') {
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
    return res.end(RELOAD_SCRIPT);
  }
  if (req.url === '/__dev/events') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.write(': connected\n\n');
    listeners.add(res);
    req.once('close', () => listeners.delete(res));
    return;
  }
  // Everything else is the demo server's; its pages get the reload script before </body>.
  const headers = { ...req.headers };
  delete headers['accept-encoding'];
  const upstream = request(
    { host: '127.0.0.1', port: appPort, method: req.method, path: req.url, headers },
    (answer) => {
      const isPage = String(answer.headers['content-type']).startsWith('text/html');
      if (!isPage) {
        res.writeHead(answer.statusCode, answer.headers);
        return answer.pipe(res);
      }
      const chunks = [];
      answer.on('data', (chunk) => chunks.push(chunk));
      answer.on('end', () => {
        const page = Buffer.concat(chunks).toString('utf8');
        const body = page.includes('</body>') ? page.replace('</body>', `${RELOAD_TAG}\n</body>`) : page + RELOAD_TAG;
        const out = { ...answer.headers };
        delete out['content-length'];
        res.writeHead(answer.statusCode, out);
        res.end(body);
      });
    },
  );
  upstream.once('error', () => {
    res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The demo server is (re)starting; this page reloads when it answers.\n');
  });
  req.pipe(upstream);
});

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const watcher of watchers) watcher.close();
  for (const response of listeners) response.end();
  server.close();
  server.closeAllConnections();
  await Promise.all([...children].map(stopChild));
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stop(0));

await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, 'localhost', resolve);
});
if (!(await startApp())) {
  console.error('dev: the demo server did not answer');
  await stop(1);
}
console.log(`dev: http://localhost:${port}/ (rebuilds on change and reloads the page; Ctrl-C to stop)`);
