// A rollup plugin for the CDN build: Lit's template compiler (@lit-labs/compiler) on the templates
// of the first paint's file, and only there.
//
// A template Lit has not seen is prepared at its first render: its HTML is scanned for bindings
// and its nodes walked to find them. In the first paint that was the largest piece of our
// JavaScript (the element's form is six templates and about 75 bindings, a bare form has none):
// compiled, each template arrives with its bindings already found, and the first render does
// 3 to 5 ms less script (profiled side by side, 12 loads each). It costs about 0.3 KB gzip, which the
// first paint's budget has room for; the flow's chunk keeps Lit's own preparation, since its
// screens are rendered once, unseen, before they are needed (and its budget has no such room).
//
// The compiler is a TypeScript transformer; it runs on the JavaScript tsc wrote to dist/ after
// minify-html-literals has minified the templates. It only compiles `html` imported from `lit`
// or `lit-html`, and leaves any template it cannot compile as it was.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileLitTemplates } from '@lit-labs/compiler';
import ts from 'typescript';

/** Our modules the entry imports statically, itself included: what the first paint's file holds. */
function staticGraph(parse, entry) {
  const modules = new Set();
  const visit = (file) => {
    if (modules.has(file)) return;
    modules.add(file);
    for (const node of parse(readFileSync(file, 'utf8')).body) {
      const source = node.source?.value;
      // Packages (Lit) are not ours to compile; dynamic imports are other chunks.
      if (typeof source === 'string' && source.startsWith('.')) visit(path.resolve(path.dirname(file), source));
    }
  };
  visit(path.resolve(entry));
  return modules;
}

/** @param {string} entry the first paint's entry module, e.g. `dist/prove-verify.js` */
export function compileFirstPaintTemplates(entry) {
  let firstPaint = new Set();
  return {
    name: 'compile-first-paint-templates',
    buildStart() {
      firstPaint = staticGraph((code) => this.parse(code), entry);
    },
    transform(code, id) {
      if (!firstPaint.has(id) || !/\bhtml\s*`/.test(code)) return null;
      const { outputText, sourceMapText } = ts.transpileModule(code, {
        fileName: id,
        compilerOptions: {
          allowJs: true,
          // Nothing lowered: tsc has already written the code for the project's own target.
          target: ts.ScriptTarget.ESNext,
          module: ts.ModuleKind.ESNext,
          useDefineForClassFields: false,
          sourceMap: true,
        },
        transformers: { before: [compileLitTemplates()] },
      });
      return { code: outputText.replace(/\n\/\/# sourceMappingURL=.*$/, ''), map: sourceMapText };
    },
  };
}
