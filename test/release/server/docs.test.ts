// The docs a newcomer walks: README.md, CONTRIBUTING.md and docs/*.md. Their links must lead
// somewhere (a file the repository has, and a heading of that file for a #anchor), README must
// link every page of docs/, frameworks.md must open with a link to each of its sections, and
// element.md's tables must name what custom-elements.json names.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import GithubSlugger from 'github-slugger';
import { REPO_ROOT } from '../../e2e/support/stack.js';

interface Heading {
  level: number;
  text: string;
  /** The anchor GitHub gives it (repeats get -1, -2, ...). */
  anchor: string;
  /** Its line in the file, from 0. */
  line: number;
}

interface Doc {
  /** From the repository's root, e.g. `docs/server.md`. */
  file: string;
  /** The lines outside fenced code blocks ('' for a line inside one), where `#` starts a heading. */
  prose: string[];
  headings: Heading[];
  /** Link targets in the prose, as written: `server.md#budgets`, `#events`, `https://…`. */
  links: string[];
}

function readDoc(file: string): Doc {
  const lines = readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n');
  let fenced = false;
  const prose = lines.map((line) => {
    if (line.startsWith('```')) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line;
  });
  const slugger = new GithubSlugger();
  const headings = prose.flatMap((line, index) => {
    const match = /^(#{1,6}) (.+)$/.exec(line);
    return match
      ? [{ level: match[1]!.length, text: match[2]!, anchor: slugger.slug(match[2]!.replace(/`/g, '')), line: index }]
      : [];
  });
  const links = [...prose.join('\n').matchAll(/\]\(([^)\s]+)\)/g)].map(([, target]) => target!);
  return { file, prose, headings, links };
}

const DOC_FILES = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(path.join(REPO_ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];
const docs = new Map(DOC_FILES.map((file) => [file, readDoc(file)]));
const doc = (file: string) => docs.get(file)!;

/** The prose of `file` from the heading `title` up to the next heading of its level or higher. */
function section(file: string, title: string): string {
  const { headings, prose } = doc(file);
  const start = headings.findIndex((h) => h.text === title);
  assert.ok(start >= 0, `${file} has no heading "${title}"`);
  const end = headings.slice(start + 1).find((h) => h.level <= headings[start]!.level);
  return prose.slice(headings[start]!.line, end?.line).join('\n');
}

/** A link of `from`, as the repository path it names and its anchor. */
function resolve(from: string, target: string): { file: string; anchor?: string } {
  const [file, anchor] = target.split('#') as [string, string | undefined];
  return { file: file === '' ? from : path.posix.normalize(path.posix.join(path.posix.dirname(from), file)), anchor };
}

describe('the docs (README.md, CONTRIBUTING.md, docs/*.md)', () => {
  it('are README, CONTRIBUTING and the pages of docs/', () => {
    assert.ok(DOC_FILES.length >= 9, `only ${DOC_FILES.join(', ')}`);
  });

  it('link only to files the repository has', () => {
    const broken = [...docs.values()].flatMap(({ file, links }) =>
      links
        .filter((target) => !/^[a-z]+:/.test(target) && !target.startsWith('#'))
        .filter((target) => !existsSync(path.join(REPO_ROOT, resolve(file, target).file)))
        .map((target) => `${file}: ${target}`),
    );
    assert.deepEqual(broken, []);
  });

  it('link only to headings the page they name has', () => {
    const anchored = [...docs.values()].flatMap(({ file, links }) =>
      links
        .filter((target) => !/^[a-z]+:/.test(target) && target.includes('#'))
        .map((target) => ({ from: file, target, ...resolve(file, target) })),
    );
    assert.ok(anchored.length > 60, `only ${anchored.length} links to a heading found`);
    const unknown = anchored.filter(({ file }) => file.endsWith('.md') && !docs.has(file));
    assert.deepEqual(
      unknown.map(({ from, target }) => `${from}: ${target}`),
      [],
      'a link to a heading of a page these tests do not read',
    );
    assert.deepEqual(
      anchored
        .filter(({ file, anchor }) => !doc(file).headings.some((h) => h.anchor === anchor))
        .map(({ from, target }) => `${from}: ${target}`),
      [],
    );
  });

  it('README links every page of docs/ and CONTRIBUTING.md', () => {
    const linked = new Set(doc('README.md').links.map((target) => resolve('README.md', target).file));
    assert.deepEqual(
      DOC_FILES.filter((file) => file !== 'README.md' && !linked.has(file)),
      [],
    );
    assert.ok(linked.has('LICENSE'), 'the LICENSE link is gone');
    assert.ok(linked.has('docs/backend-contract.yaml'), 'the contract link is gone');
  });

  it('README stays a start page: at most 300 lines', () => {
    assert.ok(doc('README.md').prose.length <= 300, `README.md has ${doc('README.md').prose.length} lines`);
  });

  it("frameworks.md opens with a link to each of its sections and to the server's page", () => {
    const { headings, prose, links } = doc('docs/frameworks.md');
    const sections = headings.filter((h) => h.level === 2);
    assert.ok(sections.length >= 8, `only ${sections.length} sections`);
    const opening = prose.slice(0, sections[0]!.line).join('\n');
    const linked = new Set([...opening.matchAll(/\]\(#([^)]+)\)/g)].map(([, anchor]) => anchor));
    assert.deepEqual(
      sections.map((h) => h.anchor).filter((anchor) => !linked.has(anchor)),
      [],
    );
    assert.ok(links.includes('server.md'), 'frameworks.md does not link server.md');
  });

  it("element.md lists the element's attributes, events, parts, custom properties and slot as custom-elements.json does", () => {
    const manifestPath = path.join(REPO_ROOT, 'custom-elements.json');
    assert.ok(existsSync(manifestPath), 'custom-elements.json is missing: run `npm run build` first');
    type Named = { name: string };
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      modules: { declarations?: (Named & Record<string, unknown>)[] }[];
    };
    const element = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'prove-verify')!;
    const names = (key: string) => ((element[key] ?? []) as Named[]).map((x) => x.name).sort();
    const listed = (text: string, pattern: RegExp) =>
      [...new Set([...text.matchAll(pattern)].map(([, name]) => name!))].sort();
    const styling = section('docs/element.md', 'Styling');
    // `lang` is the global attribute, which the element reads but does not declare.
    assert.deepEqual(
      listed(section('docs/element.md', 'Attributes and properties'), /^\| `([a-z-]+)` \|/gm),
      [...names('attributes'), 'lang'].sort(),
    );
    assert.deepEqual(listed(section('docs/element.md', 'Events'), /^\| `(prove-verify-[a-z]+)` \|/gm), names('events'));
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
