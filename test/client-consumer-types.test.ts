import { execFile } from 'node:child_process';
import { access, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A project outside the monorepo installs the packed client and compiles against its one bundled
// dist/index.d.ts: no @storefront/server, no @storefront/shared, no workspace tsconfig to lean on.
// It does what client/README.md says: its install command's packages, its tsconfig block as is.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLIENT = join(ROOT, 'client');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'consumer');
const SETUP_TIMEOUT_MS = 240_000;
const TSC_TIMEOUT_MS = 120_000;

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

/** tsc's `file(line,col): error TSxxxx: message` lines (with --pretty false); file '' for a project's own. */
function diagnostics(output: string): Diagnostic[] {
  return [...output.matchAll(/^(?:(.+?)\((\d+),\d+\): )?error (TS\d+): (.*)$/gm)].map(
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

/** A `## heading` section of client/README.md, up to the next `## `. */
function sectionOf(readme: string, heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start === -1) throw new Error(`client/README.md has no section "## ${heading}"`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

/** The bodies of a section's fenced blocks in one language (```sh, ```json). */
function fenced(section: string, language: string): string[] {
  const block = new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g');
  return [...section.matchAll(block)].map(([, body = '']) => body);
}

/** What client/README.md tells a consumer to do. */
interface ReadmeSteps {
  /** The tarball its `npm install` command names, as written (`/path/to/…/client/….tgz`). */
  tarball: string;
  /** The rest of that command's arguments, as written (`@trpc/client@^11.22.1`). */
  packages: string[];
  /** The tsconfig section's ```json block, as written. */
  tsconfig: string;
  /** Its compiler options. */
  compilerOptions: Record<string, unknown>;
}

function readmeSteps(readme: string): ReadmeSteps {
  const installs = fenced(sectionOf(readme, 'Installing'), 'sh')
    .flatMap((block) => block.split('\n'))
    .map((line) => line.trim())
    .filter((line) => /^npm (install|i) .*\.tgz(\s|$)/.test(line));
  if (installs.length !== 1)
    throw new Error(
      `client/README.md's Installing section has ${String(installs.length)} \`npm install …tgz\` commands, not one`,
    );
  const args = (installs[0] ?? '').split(/\s+/).slice(2);
  const tarball = args.find((arg) => arg.endsWith('.tgz')) ?? '';
  const blocks = fenced(sectionOf(readme, 'tsconfig'), 'json');
  if (blocks.length !== 1)
    throw new Error(
      `client/README.md's tsconfig section has ${String(blocks.length)} json blocks, not one`,
    );
  const tsconfig = blocks[0] ?? '';
  const parsed: unknown = JSON.parse(tsconfig);
  if (!isRecord(parsed) || !isRecord(parsed.compilerOptions))
    throw new Error(`client/README.md's tsconfig has no compilerOptions:\n${tsconfig}`);
  return {
    tarball,
    packages: args.filter((arg) => arg !== tarball),
    tsconfig,
    compilerOptions: parsed.compilerOptions,
  };
}

describe('the packed @storefront/client in a project outside the monorepo, as client/README.md says', () => {
  let temp = '';
  let app = '';
  let installed = '';
  let packedName = '';
  let readme: ReadmeSteps = { tarball: '', packages: [], tsconfig: '', compilerOptions: {} };

  beforeAll(async () => {
    for (const file of ['index.js', 'index.d.ts']) {
      await access(join(CLIENT, 'dist', file)).catch(() => {
        throw new Error(
          `client/dist/${file} is missing: build the client first (npx turbo run build --filter=@storefront/client); npm test builds it before vitest runs`,
        );
      });
    }
    readme = readmeSteps(await readFile(join(CLIENT, 'README.md'), 'utf8'));
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
    packedName = basename(entry.filename);
    const tarball = join(temp, packedName);

    app = join(temp, 'app');
    await cp(FIXTURE, app, {
      recursive: true,
      filter: (source) => !source.split(/[\\/]/).includes('node_modules'),
    });
    // The fixture's own tsconfig (stricter, skipLibCheck false) checks the bundled .d.ts below;
    // the project's tsconfig.json is the README's block, as written.
    await writeFile(
      join(app, 'tsconfig.fixture.json'),
      await readFile(join(app, 'tsconfig.json'), 'utf8'),
    );
    await writeFile(join(app, 'tsconfig.json'), readme.tsconfig);
    check(
      await run(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--prefer-offline',
          '--ignore-scripts',
          tarball,
          ...readme.packages,
        ],
        app,
      ),
      `npm install of the packed client and ${readme.packages.join(' ')}`,
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

  /** Compiles the consumer with the consumer's TypeScript and one of its tsconfig files. */
  async function compile(project: string): Promise<Outcome & { errors: Diagnostic[] }> {
    const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
    const outcome = await run(
      process.execPath,
      [tsc, '--noEmit', '--pretty', 'false', '-p', project],
      app,
    );
    return { ...outcome, errors: diagnostics(outcome.stdout) };
  }

  /** The whole consumer (every fixture file) compiled once with the README's tsconfig. */
  let withReadme: ReturnType<typeof compile> | undefined;
  const compiledWithReadme = (): ReturnType<typeof compile> =>
    (withReadme ??= compile('tsconfig.json'));

  it('names in its install command the tarball npm pack writes in client/, which git ignores', async () => {
    expect(basename(readme.tarball)).toBe(packedName);
    expect(posix.basename(posix.dirname(readme.tarball))).toBe('client');
    const ignored = await run('git', ['check-ignore', '--quiet', `client/${packedName}`], ROOT);
    expect(ignored.code, `client/${packedName} is not ignored by git`).toBe(0);
  });

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
    "compiles $file with no error, with the README's tsconfig: $what",
    async ({ file }) => {
      const { stdout, errors } = await compiledWithReadme();
      expect(
        errors.filter((d) => d.file === file || d.file === ''),
        stdout,
      ).toEqual([]);
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
    {
      file: 'bad-fetch.ts',
      code: 'TS2322',
      message: /^Type 'number' is not assignable to type /,
    },
  ];

  it.each(wrong)(
    "rejects $file with $code, with the README's tsconfig",
    async ({ file, code, message }) => {
      const outcome = await compiledWithReadme();
      expect(outcome.code, outcome.stdout).not.toBe(0);
      const errors = outcome.errors.filter((d) => d.file === file);
      expect(errors, outcome.stdout).toHaveLength(1);
      const [error] = errors;
      expect(error?.code).toBe(code);
      expect(error?.message).toMatch(message);
    },
    TSC_TIMEOUT_MS,
  );

  it(
    "has no error outside the consumer's files with the README's tsconfig (none in tRPC's or ours)",
    async () => {
      const files = [...right, ...wrong].map(({ file }) => file);
      const { stdout, errors } = await compiledWithReadme();
      expect(
        errors.filter((d) => !files.includes(d.file)),
        stdout,
      ).toEqual([]);
    },
    TSC_TIMEOUT_MS,
  );

  it(
    "checks the bundled .d.ts too (skipLibCheck false, the fixture's stricter tsconfig): no error of ours",
    async () => {
      await writeFile(
        join(app, 'tsconfig.checked.json'),
        JSON.stringify({ extends: './tsconfig.fixture.json', files: ['good.ts', 'errors.ts'] }),
      );
      const { stdout, errors } = await compile('tsconfig.checked.json');
      expect(
        errors.filter((d) => !isTrpcNodeTypes(d)),
        stdout,
      ).toEqual([]);
    },
    TSC_TIMEOUT_MS,
  );

  it(
    "types the fetch option only through the README's DOM: without it (and @types/node) a wrong one compiles",
    async () => {
      const lib = readme.compilerOptions.lib;
      await writeFile(
        join(app, 'tsconfig.no-dom.json'),
        JSON.stringify({
          compilerOptions: {
            ...readme.compilerOptions,
            lib: Array.isArray(lib) ? lib.filter((name) => !/^dom/i.test(String(name))) : lib,
          },
          files: ['bad-fetch.ts'],
        }),
      );
      const { stdout, errors } = await compile('tsconfig.no-dom.json');
      expect(errors, stdout).toEqual([]);
    },
    TSC_TIMEOUT_MS,
  );
});
