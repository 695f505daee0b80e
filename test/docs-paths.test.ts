import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every repository path the documentation names exists: README.md, docs/*.md and each workspace's
// README. A path is named in a markdown link, in backticks, in the README's layout tree, or in
// plain text starting with a top-level folder (`bench/README.md`, `server/dist/main.js`).

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Not walked: installed packages, build output (see `sourceOf`), caches. */
const UNWALKED = new Set(['node_modules', '.git', '.turbo', 'dist', 'coverage']);

/** Every file and folder of the repository, relative to its root (`server/src/app.ts`). */
function walk(dir = ''): { files: string[]; folders: string[] } {
  const files: string[] = [];
  const folders: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    if (UNWALKED.has(entry.name)) continue;
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      folders.push(path);
      const inner = walk(path);
      files.push(...inner.files);
      folders.push(...inner.folders);
    } else files.push(path);
  }
  return { files, folders };
}

const tree = walk();
const paths = new Set([...tree.files, ...tree.folders]);
const basenames = new Set([...paths].map((path) => posix.basename(path)));
const TOP_FOLDERS = new Set(tree.folders.filter((folder) => !folder.includes('/')));
/** The workspaces of package.json, a pattern (`examples/*`) standing for the folders it matches. */
const WORKSPACES = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }
).workspaces.flatMap((workspace) => {
  if (!workspace.includes('*')) return [workspace];
  const pattern = new RegExp(`^${workspace.replaceAll('.', '\\.').replaceAll('*', '[^/]+')}$`);
  return tree.folders.filter((folder) => pattern.test(folder));
});

/** The documents read: the README, docs/*.md, and each workspace's README. */
const DOCUMENTS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  ...WORKSPACES.map((workspace) => `${workspace}/README.md`).filter((path) => paths.has(path)),
];

/** What a file named in backticks ends with (a name without one is a folder only with a `/`). */
const FILE_EXTENSION =
  /\.(ts|tsx|mts|cts|js|mjs|cjs|jsx|json|md|ya?ml|sh|html|css|png|svg|jpe?g|example)$/;

/**
 * Paths a document names on purpose although they are no file: adding-a-backend.md's worked
 * example adds a `loyalty` service that does not exist.
 */
const EXAMPLES: Record<string, RegExp> = { 'docs/adding-a-backend.md': /(^|\/)loyalty(\/|\.ts$)/ };

/**
 * Patterns of the .gitignore files: what a run writes (`bench/results/tmp/`) is named but not
 * committed. Build output is not among them: a built file counts when its source is there.
 */
const IGNORED = tree.files
  .filter((path) => posix.basename(path) === '.gitignore')
  .flatMap((file) => {
    const base = posix.dirname(file) === '.' ? '' : `${posix.dirname(file)}/`;
    return readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('!'))
      .filter((line) => !UNWALKED.has(line.replace(/^\/|\/$/g, '')))
      .map((line) => {
        const pattern = line.replace(/\/$/, '');
        const glob = pattern
          .replace(/^\//, '')
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replaceAll('*', '[^/]*');
        // Without a slash inside, a pattern matches a name at any depth below its .gitignore.
        return pattern.replace(/^\//, '').includes('/')
          ? new RegExp(`^${base}${glob}(/|$)`)
          : new RegExp(`^${base}(.*/)?${glob}(/|$)`);
      });
  });

const ignored = (path: string): boolean => IGNORED.some((pattern) => pattern.test(path));

/** A built file's source: `dist/react.js` → `src/react.ts`, `index.d.ts` → `index.ts`. */
function sourceOf(path: string): string[] {
  const inSrc = path.replace(/(^|\/)dist(\/|$)/, '$1src$2');
  const stem = inSrc.replace(/(\.d)?\.(js|ts)$/, '');
  return inSrc === path && !path.endsWith('.d.ts')
    ? []
    : [inSrc, `${stem}.ts`, `${stem}.tsx`].filter((candidate) => candidate !== path);
}

/** Whether `path` (clean, relative to `base`) is there, or the source of its build output is. */
function existsFrom(base: string, path: string): boolean {
  const full = posix.normalize(posix.join(base, path)).replace(/\/$/, '');
  return [full, ...sourceOf(full)].some((candidate) => paths.has(candidate) || ignored(candidate));
}

/** A named path and where it can mean something. */
interface Named {
  document: string;
  path: string;
  /**
   * A link resolves against the document's folder only (as GitHub does), an entry of the layout
   * tree under its parents from the root, a mention wherever it can mean something.
   */
  how: 'link' | 'tree' | 'mention';
  /** For a mention in the layout tree: the folder of the entry it describes, where it means most. */
  near?: string;
}

/** The places a mention can mean, besides its document's folder: the root, each workspace and its src/. */
const BASES = ['', ...WORKSPACES, ...WORKSPACES.map((workspace) => `${workspace}/src`)];

/** A folder and the folders above it: `server/src/upstreams` → it, `server/src`, `server`. */
const upwards = (folder: string): string[] =>
  folder === '' || folder === '.' ? [] : [folder, ...upwards(posix.dirname(folder))];

function found({ document, path, how, near = '' }: Named): boolean {
  const folder = posix.dirname(document) === '.' ? '' : posix.dirname(document);
  if (how === 'link') return existsFrom(folder, path);
  if (how === 'tree') return existsFrom('', path);
  // A bare name (`breakers.test.ts`, `fx/`) is found when a file or folder of that name is.
  const bare = path.replace(/\/$/, '');
  if (!bare.includes('/'))
    return (
      basenames.has(bare) || sourceOf(bare).some((name) => basenames.has(name)) || ignored(bare)
    );
  return [...upwards(near), folder, ...BASES].some((base) => existsFrom(base, path));
}

/** Whether a span in backticks is a repository path: a file name, a folder (`kit/`), or under a top-level folder. */
function looksLikePath(text: string): boolean {
  if (!/^[\w.@-][\w.@/-]*$/.test(text) || text.includes('..') || text.includes('//')) return false;
  // An extension alone (`.d.ts`) names a kind of file, not one.
  if (['', '.d'].includes(text.replace(FILE_EXTENSION, ''))) return false;
  const [first = ''] = text.split('/');
  return (
    FILE_EXTENSION.test(text) ||
    text.endsWith('/') ||
    (text.includes('/') && TOP_FOLDERS.has(first))
  );
}

/** A word of plain text that starts with a top-level folder: `docs/api.md`, `server/dist/main.js`. */
const PLAIN_PATH = /(?<![\w./@:-])([\w.-]+\/[\w./-]*[\w/])/g;

/** The tree of the README's layout section: each entry under its parent, by indentation. */
function layoutPaths(readme: string): {
  entries: string[];
  mentions: { path: string; near: string }[];
} {
  const section = /\n## Layout\n+```\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const entries: string[] = [];
  const mentions: { path: string; near: string }[] = [];
  const parents: { indent: number; path: string }[] = [];
  let near = '';
  for (const line of section.split('\n')) {
    const indent = line.length - line.trimStart().length;
    const [, name = '', rest = ''] = /^\s*(\S+)(.*)$/.exec(line) ?? [];
    // An entry starts within the first columns; a line indented further continues a description.
    const isEntry = name !== '' && indent < 8 && looksLikePath(name);
    if (isEntry) {
      while (parents.length > 0 && (parents.at(-1)?.indent ?? 0) >= indent) parents.pop();
      const path = `${parents.at(-1)?.path ?? ''}${name}`;
      entries.push(path);
      if (name.endsWith('/')) parents.push({ indent, path });
      near = name.endsWith('/') ? path : posix.dirname(path);
    }
    for (const [, word = ''] of (isEntry ? rest : line).matchAll(/([\w.@/-]+)/g)) {
      const path = word.replace(/[.,:;]$/, '');
      if (looksLikePath(path)) mentions.push({ path, near: near.replace(/\/$/, '') });
    }
  }
  return { entries, mentions };
}

/** Everything a document names that looks like a path of this repository. */
function namedIn(document: string): Named[] {
  const text = readFileSync(join(ROOT, document), 'utf8');
  const named: Named[] = [];
  const add = (path: string, how: Named['how']): void => {
    if (!EXAMPLES[document]?.test(path)) named.push({ document, path, how });
  };
  for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z][a-z+.-]*:/i.test(target) || target.startsWith('#')) continue;
    add(decodeURI(target.replace(/#.*$/, '')), 'link');
  }
  for (const [, span = ''] of text.matchAll(/`([^`\n]+)`/g))
    if (looksLikePath(span)) add(span, 'mention');
  for (const [, word = ''] of text.matchAll(PLAIN_PATH)) {
    const path = word.replace(/\.$/, '');
    if (TOP_FOLDERS.has(path.split('/')[0] ?? '') && looksLikePath(path)) add(path, 'mention');
  }
  if (document === 'README.md') {
    const layout = layoutPaths(text);
    for (const entry of layout.entries) named.push({ document, path: entry, how: 'tree' });
    for (const { path, near } of layout.mentions)
      if (!EXAMPLES[document]?.test(path)) named.push({ document, path, how: 'mention', near });
  }
  return named;
}

const named = DOCUMENTS.flatMap(namedIn);

describe('the documentation names paths that exist', () => {
  it('reads the README, every docs/*.md and each workspace README', () => {
    expect(DOCUMENTS).toContain('README.md');
    expect(DOCUMENTS).toContain('docs/operations.md');
    expect(DOCUMENTS).toContain('bench/README.md');
    expect(DOCUMENTS).toContain('sandbox/README.md');
  });

  it('finds the paths it checks, of each kind: links, backticks, plain text, the layout tree', () => {
    const of = (document: string) =>
      named.filter((entry) => entry.document === document).map((entry) => entry.path);
    expect(of('README.md')).toContain('docs/adding-a-backend.md');
    expect(of('README.md')).toContain('server/src/kit/');
    expect(of('docs/security.md')).toContain('api6-sensitive-business-flows.test.ts');
    expect(of('bench/README.md')).toContain('src/harness/ab.ts');
    expect(named.length).toBeGreaterThan(150);
  });

  it('knows a made-up path from a real one, wherever it could mean', () => {
    const at = (path: string, how: Named['how'] = 'mention'): boolean =>
      found({ document: 'bench/README.md', path, how });
    expect(at('server/src/kit/xml/balance.ts')).toBe(true);
    expect(at('kit/xml/balance.ts')).toBe(true);
    expect(at('balance.ts')).toBe(true);
    expect(at('../docs/api.md', 'link')).toBe(true);
    expect(at('dist/baseline/main.js')).toBe(true);
    expect(at('results/tmp/profiles/')).toBe(true);
    expect(at('server/src/kit/xml-balance.ts')).toBe(false);
    expect(at('kit/xml-balance.ts')).toBe(false);
    expect(at('xml-balance.ts')).toBe(false);
    expect(at('docs/api.md', 'link')).toBe(false);
    expect(at('bench/baseline')).toBe(false);
    expect(at('server/dist/made-up.js')).toBe(false);
    // In the layout tree, a mention means most under the entry it describes.
    const near = (path: string): boolean =>
      found({ document: 'README.md', path, how: 'mention', near: 'server/src/upstreams' });
    expect(near('erp/records.ts')).toBe(true);
    expect(near('erp/record.ts')).toBe(false);
  });

  it('has no path in README.md, docs/*.md or a workspace README that is not in the repository', () => {
    const says = { link: 'links to', tree: 'has in its layout tree', mention: 'names' } as const;
    const missing = named
      .filter((entry) => !found(entry))
      .map((entry) => `${entry.document} ${says[entry.how]} ${entry.path}`);
    expect([...new Set(missing)]).toEqual([]);
  });
});
