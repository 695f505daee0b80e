import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const serverSrc = join(root, 'server/src');

/** Every TypeScript file under `dir`, as [path relative to server/src, text]. */
function sources(dir: string): [string, string][] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry): [string, string][] => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts')
      ? [[relative(serverSrc, path), readFileSync(path, 'utf8')]]
      : [];
  });
}

const production = sources(serverSrc).filter(
  ([path]) => !path.endsWith('.test.ts') && !path.startsWith('testing/'),
);

/** One import or re-export of a production file: where it stands, what it names, where that resolves. */
interface Import {
  /** The importing file and line: `domain/cart.ts:3`. */
  at: string;
  /** The file, relative to server/src. */
  from: string;
  /** As written: `'../upstreams/cart/client.js'`. */
  specifier: string;
  /** The imported file relative to server/src (`upstreams/cart/client.ts`); undefined for a package. */
  target: string | undefined;
  /** `import type`, or every name imported marked `type`. */
  typeOnly: boolean;
}

/** Static imports and re-exports (at the start of a line), side-effect imports and dynamic import()s. */
function importsOf(path: string, text: string): Import[] {
  const found: Import[] = [];
  const add = (index: number, specifier: string, typeOnly: boolean): void => {
    const line = text.slice(0, index).split('\n').length;
    const target = specifier.startsWith('.')
      ? posix.join(posix.dirname(path), specifier).replace(/\.js$/, '.ts')
      : undefined;
    found.push({ at: `${path}:${String(line)}`, from: path, specifier, target, typeOnly });
  };
  const statement =
    /^[ \t]*(import|export)\s+(type\s+)?([\w\s{},*$]*?)\s*from\s*['"]([^'"\n]+)['"]/gm;
  for (const match of text.matchAll(statement)) {
    const [, , typeKeyword, clause = '', specifier = ''] = match;
    const names = clause
      .replace(/[{}]/g, '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean);
    const typeOnly =
      typeKeyword !== undefined ||
      (clause.trim().startsWith('{') &&
        names.length > 0 &&
        names.every((name) => name.startsWith('type ')));
    add(match.index, specifier, typeOnly);
  }
  for (const match of text.matchAll(/^[ \t]*import\s*['"]([^'"\n]+)['"]/gm))
    add(match.index, match[1] ?? '', false);
  for (const match of text.matchAll(/\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g))
    add(match.index, match[1] ?? '', false);
  return found;
}

const imports = production.flatMap(([path, text]) => importsOf(path, text));

/** How a broken rule reads: the importing file and line, and the import. */
const described = (list: readonly Import[]): string[] =>
  list.map((edge) => `${edge.at} imports '${edge.specifier}'`);

/** Whether a path (relative to server/src) is one of `places`: a file (`errors.ts`) or a folder (`http/`). */
const within = (path: string, places: readonly string[]): boolean =>
  places.some((place) => (place.endsWith('/') ? path.startsWith(place) : path === place));

/**
 * The layers of server/src, from the top. The API layer (tRPC, HTTP, the procedures and errors.ts,
 * the one mapping from what happened below to TRPCError) looks down on everything below it; the
 * composition builds and starts the whole; nothing below imports either.
 */
const LAYERS = {
  /** Builds the app from the configuration, starts it, exports it; may import anything. */
  composition: ['app.ts', 'app/', 'main.ts', 'index.ts', 'heap.ts', 'node-flags.ts', 'dotenv.ts'],
  /** tRPC and HTTP (and the router's contract): may import every layer below, never the composition. */
  api: ['errors.ts', 'trpc.ts', 'router.ts', 'procedures/', 'http/', 'contract/'],
  /** The configuration's schema: the input of the composition, importing nothing of server/src. */
  config: ['config.ts'],
  /** Pure functions that build the views from upstream records. */
  domain: ['domain/'],
  /** One folder per upstream: its client, schemas and records. */
  upstreams: ['upstreams/'],
  /** Mechanisms, not business. */
  kit: ['kit/'],
} as const satisfies Record<string, readonly string[]>;

const inLayer = (layer: keyof typeof LAYERS) => (path: string | undefined) =>
  path !== undefined && within(path, LAYERS[layer]);

describe('the server keeps its seams', () => {
  it('neither depends on nor imports the sandbox: a development entry composes them', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'server/package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    expect(Object.keys(manifest.dependencies ?? {})).not.toContain('@storefront/sandbox');
    expect(
      production.filter(([, text]) => text.includes('@storefront/sandbox')).map(([path]) => path),
    ).toEqual([]);
  });

  it('keeps parsed-XML keys (`@_sku`, `#text`) inside the folders of the XML upstreams (erp/, fx/) and the XML kit', () => {
    const knowing = production.filter(
      ([path, text]) =>
        /['"](@_|#text)/.test(text) &&
        !path.startsWith('upstreams/erp/') &&
        !path.startsWith('kit/xml/') &&
        !path.startsWith('upstreams/fx/'),
    );
    expect(knowing.map(([path]) => path)).toEqual([]);
  });

  it('uses tRPC through its public API only (no internal_ or unstable-core-do-not-import)', () => {
    const internal = production.filter(([, text]) =>
      /internal_|unstable-core-do-not-import/.test(text),
    );
    expect(internal.map(([path]) => path)).toEqual([]);
  });
  it('puts every production file in one of the layers this test names (a new top-level file says where it stands)', () => {
    const places = Object.values(LAYERS).flat();
    expect(production.map(([path]) => path).filter((path) => !within(path, places))).toEqual([]);
  });

  it('kit/ imports nothing of server/src outside kit/ (npm packages and @storefront/shared are fine)', () => {
    const outward = imports.filter(
      (edge) =>
        inLayer('kit')(edge.from) && edge.target !== undefined && !inLayer('kit')(edge.target),
    );
    expect(described(outward)).toEqual([]);
  });

  it('upstreams/ imports only upstreams/ and kit/ (never domain/, procedures/, http/, trpc.ts, router.ts, app.ts, errors.ts), and config.ts from index.ts alone', () => {
    const outward = imports.filter(
      (edge) =>
        inLayer('upstreams')(edge.from) &&
        edge.target !== undefined &&
        !inLayer('upstreams')(edge.target) &&
        !inLayer('kit')(edge.target) &&
        // The one composition of the upstream clients reads the configuration's type: config.ts
        // is the composition's input and imports nothing of server/src (see below).
        !(edge.from === 'upstreams/index.ts' && edge.target === 'config.ts' && edge.typeOnly),
    );
    expect(described(outward)).toEqual([]);
  });

  it('domain/ imports from upstreams/ only records.ts files (records, never a client), and nothing above it', () => {
    const outward = imports.filter(
      (edge) =>
        inLayer('domain')(edge.from) &&
        edge.target !== undefined &&
        !inLayer('domain')(edge.target) &&
        !inLayer('kit')(edge.target) &&
        !(inLayer('upstreams')(edge.target) && posix.basename(edge.target) === 'records.ts'),
    );
    expect(described(outward)).toEqual([]);
  });

  it('config.ts imports nothing of server/src: the composition reads it and passes it down', () => {
    const outward = imports.filter(
      (edge) => inLayer('config')(edge.from) && edge.target !== undefined,
    );
    expect(described(outward)).toEqual([]);
  });

  it('errors.ts and the rest of the API layer are imported by the API layer and the composition only: nothing below looks up', () => {
    const below = ['config', 'domain', 'upstreams', 'kit'] as const;
    const upward = imports.filter(
      (edge) =>
        below.some((layer) => inLayer(layer)(edge.from)) &&
        (inLayer('api')(edge.target) || inLayer('composition')(edge.target)),
    );
    expect(described(upward)).toEqual([]);
  });

  it('the API layer never imports the composition (app.ts, app/, main.ts, index.ts)', () => {
    const upward = imports.filter(
      (edge) => inLayer('api')(edge.from) && inLayer('composition')(edge.target),
    );
    expect(described(upward)).toEqual([]);
  });

  it('finds the imports it checks: the rules above would pass on a parser that finds none', () => {
    // A sample of edges that exist, of each kind the parser reads.
    const edges = described(imports);
    expect(edges).toContain("errors.ts:4 imports './domain/currency.js'");
    expect(
      imports.filter((edge) => edge.from === 'kit/redis.ts').map((edge) => edge.specifier),
    ).toContain('./logger.js');
    expect(
      imports.some(
        (edge) =>
          edge.from === 'upstreams/index.ts' && edge.target === 'config.ts' && edge.typeOnly,
      ),
    ).toBe(true);
    expect(
      imports.some(
        (edge) => edge.from === 'domain/cart.ts' && edge.target === 'upstreams/cart/records.ts',
      ),
    ).toBe(true);
  });
});
