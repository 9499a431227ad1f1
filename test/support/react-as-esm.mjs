/**
 * React ships CommonJS only, which the test runner's browser cannot import. This plugin answers
 * the bare imports `react`, `react-dom/client` and `react-dom/server` with ES modules that
 * esbuild bundles from the installed packages on first use (in memory, split so that all three
 * share one React). Only the React tests ask for them.
 */
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';

const PREFIX = '/__react-as-esm__/';
/** Bare import → the file esbuild reads; `react-dom/server` is its browser build. */
const ENTRIES = {
  react: 'react',
  'react-dom/client': 'react-dom/client',
  'react-dom/server': 'react-dom/server.browser',
};
const fileOf = (specifier) => `${specifier.replace(/\W/g, '-')}.js`;

/**
 * esbuild cannot list a CommonJS module's exports, so Node loads each and names them, in a process
 * of its own: react-dom's browser server build keeps Node's event loop alive once loaded.
 */
function exportNames() {
  const script = `const files = ${JSON.stringify(Object.values(ENTRIES))};
    console.log(JSON.stringify(Object.fromEntries(files.map((f) => [f, Object.keys(require(f))]))));
    process.exit(0);`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

function entrySource(file, names) {
  const named = names.filter((name) => name !== 'default');
  return `import m from ${JSON.stringify(file)};\nexport default m;\nexport const { ${named.join(', ')} } = m;\n`;
}

async function bundle() {
  const names = exportNames();
  const { outputFiles } = await build({
    entryPoints: Object.keys(ENTRIES).map((specifier) => ({
      in: `entry:${specifier}`,
      out: fileOf(specifier).slice(0, -3),
    })),
    bundle: true,
    splitting: true,
    format: 'esm',
    write: false,
    outdir: '/out',
    define: { 'process.env.NODE_ENV': '"development"' },
    logLevel: 'silent',
    plugins: [
      {
        name: 'entries',
        setup(build) {
          build.onResolve({ filter: /^entry:/ }, ({ path }) => ({
            path: path.slice('entry:'.length),
            namespace: 'entry',
          }));
          build.onLoad({ filter: /.*/, namespace: 'entry' }, ({ path }) => ({
            contents: entrySource(ENTRIES[path], names[ENTRIES[path]]),
            resolveDir: process.cwd(),
          }));
        },
      },
    ],
  });
  return new Map(outputFiles.map((file) => [file.path.replace('/out/', PREFIX), file.text]));
}

export function reactAsEsm() {
  let files;
  return {
    name: 'react-as-esm',
    resolveImport({ source }) {
      return source in ENTRIES ? `${PREFIX}${fileOf(source)}` : undefined;
    },
    async serve(context) {
      if (!context.path.startsWith(PREFIX)) return undefined;
      files ??= bundle();
      const body = (await files).get(context.path);
      return body === undefined ? undefined : { body, type: 'js' };
    },
  };
}
