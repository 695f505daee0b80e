import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
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
});
