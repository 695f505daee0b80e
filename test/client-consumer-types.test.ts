import { execFile } from 'node:child_process';
import { access, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A project outside the monorepo installs the packed client and compiles against its one bundled
// dist/index.d.ts: no @storefront/server, no @storefront/shared, no workspace tsconfig to lean on.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLIENT = join(ROOT, 'client');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'consumer');
const SETUP_TIMEOUT_MS = 180_000;
const TSC_TIMEOUT_MS = 60_000;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a child npm: without the npm_* variables of an enclosing `npm test` (such as
 * npm_config_local_prefix=<the monorepo>), which would make it act on the workspace.
 */
function childEnv(): NodeJS.ProcessEnv {
  const keep = new Set([
    'npm_config_cache',
    'npm_config_registry',
    'npm_config_userconfig',
    'npm_config_cafile',
  ]);
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^npm_/i.test(name) || keep.has(name.toLowerCase()),
    ),
  );
}

function run(command: string, args: readonly string[], cwd: string): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: childEnv(), maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function check(outcome: Outcome, what: string): Outcome {
  if (outcome.code !== 0)
    throw new Error(`${what} failed (exit ${outcome.code}):\n${outcome.stdout}\n${outcome.stderr}`);
  return outcome;
}

interface Diagnostic {
  file: string;
  line: number;
  code: string;
  message: string;
}

/** tsc's `file(line,col): error TSxxxx: message` lines (with --pretty false). */
function diagnostics(output: string): Diagnostic[] {
  return [...output.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/gm)].map(
    ([, file = '', line = '0', code = '', message = '']) => ({
      file,
      line: Number(line),
      code,
      message,
    }),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The module specifiers a JS or .d.ts file imports or re-exports from. */
function importedModules(source: string): string[] {
  const specifiers = [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)].map(
    ([, specifier = '']) => specifier,
  );
  return [...new Set(specifiers)].sort();
}

/** The package a bare specifier names: `@trpc/server/http` → `@trpc/server`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

describe('the packed @storefront/client in a project outside the monorepo', () => {
  let temp = '';
  let app = '';
  let installed = '';

  beforeAll(async () => {
    for (const file of ['index.js', 'index.d.ts']) {
      await access(join(CLIENT, 'dist', file)).catch(() => {
        throw new Error(
          `client/dist/${file} is missing: build the client first (npx turbo run build --filter=@storefront/client); npm test builds it before vitest runs`,
        );
      });
    }
    temp = await mkdtemp(join(tmpdir(), 'storefront-consumer-'));
    const packed: unknown = JSON.parse(
      check(
        await run(
          'npm',
          ['pack', '--json', '--ignore-scripts', '--pack-destination', temp],
          CLIENT,
        ),
        'npm pack',
      ).stdout,
    );
    const entry: unknown = Array.isArray(packed) ? packed[0] : undefined;
    if (!isRecord(entry) || typeof entry.filename !== 'string')
      throw new Error(`unexpected npm pack output: ${JSON.stringify(packed)}`);
    const tarball = join(temp, basename(entry.filename));

    app = join(temp, 'app');
    await cp(FIXTURE, app, {
      recursive: true,
      filter: (source) => !source.split(/[\\/]/).includes('node_modules'),
    });
    check(
      await run(
        'npm',
        ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', tarball],
        app,
      ),
      'npm install of the packed client',
    );
    installed = join(app, 'node_modules', '@storefront', 'client');
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    if (temp !== '') await rm(temp, { recursive: true, force: true });
  });

  /**
   * tRPC 11.22.1's client types import its WebSocket adapter's, which import Node's `http`,
   * `http2` and `ws`: a consumer without @types/node and @types/ws that checks libraries
   * (skipLibCheck false) sees these in tRPC's own files. Only exactly these are set aside; any
   * error in our bundled .d.ts or in the consumer's code still counts.
   */
  const isTrpcNodeTypes = (d: Diagnostic): boolean =>
    /node_modules\/@trpc\/server\/dist\/[^/]+\.d\.mts$/.test(d.file) &&
    d.code === 'TS2307' &&
    /^Cannot find module '(http|http2|ws)'/.test(d.message);

  /** Compiles one fixture file on its own with the consumer's TypeScript and tsconfig. */
  async function compile(file: string): Promise<Outcome & { errors: Diagnostic[] }> {
    const project = `tsconfig.${file.replace(/\.ts$/, '')}.json`;
    await writeFile(
      join(app, project),
      JSON.stringify({ extends: './tsconfig.json', files: [file] }),
    );
    const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
    const outcome = await run(
      process.execPath,
      [tsc, '--noEmit', '--pretty', 'false', '-p', project],
      app,
    );
    return { ...outcome, errors: diagnostics(outcome.stdout).filter((d) => !isTrpcNodeTypes(d)) };
  }

  it('ships bundled .d.ts files and JS that import only the packages it depends on (tRPC as peers, React as optional ones, no zod)', async () => {
    const manifest: unknown = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'));
    if (
      !isRecord(manifest) ||
      !isRecord(manifest.dependencies) ||
      !isRecord(manifest.peerDependencies)
    )
      throw new Error('the packed package.json has no dependencies or peerDependencies');
    expect(manifest.private).toBeUndefined();
    // tRPC is a required peer; the React entry's packages are optional ones (the plain entry needs none).
    const optional = isRecord(manifest.peerDependenciesMeta)
      ? Object.keys(manifest.peerDependenciesMeta).filter((name) => {
          const meta = (manifest.peerDependenciesMeta as Record<string, unknown>)[name];
          return isRecord(meta) && meta.optional === true;
        })
      : [];
    const peers = Object.keys(manifest.peerDependencies);
    expect(peers.filter((name) => !optional.includes(name)).sort()).toEqual([
      '@trpc/client',
      '@trpc/server',
    ]);
    expect(optional.sort()).toEqual([
      '@tanstack/react-query',
      '@trpc/tanstack-react-query',
      'react',
    ]);
    const dependencies = [
      ...Object.keys(manifest.dependencies),
      ...Object.keys(manifest.peerDependencies),
    ];
    expect(dependencies.filter((name) => name.startsWith('@storefront/'))).toEqual([]);
    expect(dependencies).not.toContain('zod');
    await expect(access(join(app, 'node_modules', 'zod'))).rejects.toThrow();

    const dts = await readFile(join(installed, 'dist', 'index.d.ts'), 'utf8');
    const js = await readFile(join(installed, 'dist', 'index.js'), 'utf8');
    for (const [name, source] of [
      ['index.d.ts', dts],
      ['index.js', js],
    ] as const) {
      const modules = importedModules(source);
      expect(
        modules.filter((specifier) => specifier.startsWith('.') || specifier.startsWith('node:')),
        name,
      ).toEqual([]);
      for (const specifier of modules) {
        expect(dependencies, `${name} imports ${specifier}`).toContain(packageOf(specifier));
        expect(optional, `${name} imports ${specifier}`).not.toContain(packageOf(specifier));
      }
    }
    expect(dts).not.toMatch(/\/\/\/\s*<reference/);
    // The React entry: the plain entry (./index.js) and the packages it declares, nothing else.
    for (const file of ['react.d.ts', 'react.js']) {
      const modules = importedModules(await readFile(join(installed, 'dist', file), 'utf8'));
      for (const specifier of modules)
        if (specifier !== './index.js')
          expect(dependencies, `${file} imports ${specifier}`).toContain(packageOf(specifier));
    }
  });

  it('keeps the server internals out of the bundled .d.ts (the Context shows no upstreams or settings)', async () => {
    const dts = await readFile(join(installed, 'dist', 'index.d.ts'), 'utf8');
    const internals = [
      'Upstreams',
      'ErpClient',
      'FxClient',
      'PricingClient',
      'EcbRates',
      'Upstream',
      'UpstreamError',
      'Transport',
      'CatalogProduct',
      'TokenVerifier',
      'Logger',
      'Config',
      'LRUCache',
      'XMLParser',
      'Buffer',
      'NodeJS',
    ];
    expect(internals.filter((name) => new RegExp(`\\b${name}\\b`).test(dts))).toEqual([]);
  });

  const right: { file: string; what: string }[] = [
    { file: 'good.ts', what: 'correct calls (updatedAt is a Date)' },
    {
      file: 'errors.ts',
      what: 'errors narrowed by app code with isStorefrontError (sku on OUT_OF_STOCK, retryAfterSeconds on RATE_LIMITED)',
    },
  ];

  it.each(right)(
    'compiles $file with no error of ours: $what',
    async ({ file }) => {
      const { stdout, errors } = await compile(file);
      expect(errors, stdout).toEqual([]);
    },
    TSC_TIMEOUT_MS,
  );

  const wrong: { file: string; code: string; message: RegExp }[] = [
    {
      file: 'bad-input.ts',
      code: 'TS2322',
      message: /^Type 'number' is not assignable to type 'string'\.$/,
    },
    {
      file: 'bad-procedure.ts',
      code: 'TS2339',
      message: /^Property 'nope' does not exist on type /,
    },
    {
      file: 'bad-arithmetic.ts',
      code: 'TS2362',
      message: /^The left-hand side of an arithmetic operation must be of type /,
    },
    {
      file: 'bad-field.ts',
      code: 'TS2339',
      message: /^Property 'price' does not exist on type '\{ sku: string; /,
    },
    {
      file: 'bad-error-code.ts',
      code: 'TS2345',
      message: /^Argument of type '"PRODUCT_GONE"' is not assignable to parameter of type /,
    },
    {
      file: 'bad-error-field.ts',
      code: 'TS2339',
      message: /^Property 'sku' does not exist on type /,
    },
    {
      file: 'bad-date.ts',
      code: 'TS2322',
      message: /^Type 'Date' is not assignable to type 'string'\.$/,
    },
  ];

  it.each(wrong)(
    'rejects $file with $code',
    async ({ file, code, message }) => {
      const outcome = await compile(file);
      expect(outcome.code, outcome.stdout).not.toBe(0);
      expect(outcome.errors, outcome.stdout).toHaveLength(1);
      const [error] = outcome.errors;
      expect(error?.file).toBe(file);
      expect(error?.code).toBe(code);
      expect(error?.message).toMatch(message);
    },
    TSC_TIMEOUT_MS,
  );
});
