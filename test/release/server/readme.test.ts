// README is the newcomer's map: its links must lead somewhere, "Use it" must point at every
// framework's section and at the server entry, and its tables must name what the element has.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import GithubSlugger from 'github-slugger';
import { REPO_ROOT } from '../../e2e/support/stack.js';

const README = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
/** The text outside fenced code blocks, where a `#` line is a heading and `](...)` a link. */
const prose = README.replace(/^```[\s\S]*?^```/gm, '');

/** Headings with the anchors GitHub gives them (repeats get -1, -2, ...). */
const slugger = new GithubSlugger();
const headings = [...prose.matchAll(/^(#{1,6}) (.+)$/gm)].map(([, hashes, text]) => ({
  level: hashes!.length,
  text: text!,
  anchor: slugger.slug(text!.replace(/`/g, '')),
}));
const anchors = new Set(headings.map((h) => h.anchor));
const links = [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map(([, target]) => target!);

/** The part of README from the heading `title` up to the next heading of its level or higher. */
function section(title: string): string {
  const start = headings.findIndex((h) => h.text === title);
  assert.ok(start >= 0, `README has no heading "${title}"`);
  const end = headings.slice(start + 1).find((h) => h.level <= headings[start]!.level);
  const from = prose.indexOf(`${'#'.repeat(headings[start]!.level)} ${title}\n`);
  return prose.slice(from, end ? prose.indexOf(`${'#'.repeat(end.level)} ${end.text}\n`, from + 1) : undefined);
}

describe('README', () => {
  it('links only to headings it has', () => {
    const inPage = links.filter((target) => target.startsWith('#'));
    assert.ok(inPage.length > 20, `only ${inPage.length} in-page links found`);
    assert.deepEqual(
      inPage.filter((target) => !anchors.has(target.slice(1))),
      [],
    );
  });

  it('links only to files the repository has', () => {
    const files = links.filter((target) => !/^(#|[a-z]+:)/.test(target)).map((target) => target.split('#')[0]!);
    assert.ok(files.includes('LICENSE'), 'the LICENSE link is gone');
    assert.deepEqual(
      files.filter((file) => !existsSync(path.join(REPO_ROOT, file))),
      [],
    );
  });

  it('"Use it" opens with a link to every framework section and to the server entry', () => {
    const frameworks = headings.filter((h) => h.level === 3 && section('Frameworks').includes(`### ${h.text}\n`));
    assert.ok(frameworks.length >= 6, `only ${frameworks.length} framework sections`);
    const server = headings.find((h) => h.level === 2 && h.text.includes('prove-verify-server'));
    assert.ok(server, 'README has no section on prove-verify-server');
    const opening = section('Use it').split('\n### ')[0]!;
    const linked = new Set([...opening.matchAll(/\]\(#([^)]+)\)/g)].map(([, anchor]) => anchor));
    assert.deepEqual(
      [...frameworks, server].map((h) => h.anchor).filter((anchor) => !linked.has(anchor)),
      [],
    );
  });

  it("lists the element's attributes, events, parts, custom properties and slot as custom-elements.json does", () => {
    const manifestPath = path.join(REPO_ROOT, 'custom-elements.json');
    assert.ok(existsSync(manifestPath), 'custom-elements.json is missing: run `npm run build` first');
    type Named = { name: string };
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { modules: { declarations?: (Named & Record<string, unknown>)[] }[] };
    const element = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'prove-verify')!;
    const names = (key: string) => ((element[key] ?? []) as Named[]).map((x) => x.name).sort();
    const listed = (text: string, pattern: RegExp) => [...new Set([...text.matchAll(pattern)].map(([, name]) => name!))].sort();
    const styling = section('Styling');
    // `lang` is the global attribute, which the element reads but does not declare.
    assert.deepEqual(listed(section('Attributes and properties'), /^\| `([a-z-]+)` \|/gm), [...names('attributes'), 'lang'].sort());
    assert.deepEqual(listed(section('Events'), /^\| `(prove-verify-[a-z]+)` \|/gm), names('events'));
    // The "Parts" paragraph; `success`, `failure`, `expired` and `error` are the result part's variants.
    const partsFrom = styling.indexOf('\nParts (');
    const parts = listed(styling.slice(partsFrom, styling.indexOf('\n\n', partsFrom)), /`([a-z-]+)`/g);
    assert.deepEqual(
      parts.filter((part) => !['success', 'failure', 'expired', 'error'].includes(part)),
      names('cssParts'),
    );
    assert.deepEqual(listed(styling, /`(--prove-verify-[a-z-]+)`/g), names('cssProperties'));
    assert.deepEqual(listed(styling, /^Slot `([a-z-]+)`/gm), names('slots'));
  });
});
