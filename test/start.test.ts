import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UPSTREAM_KEY_VARIABLES, UPSTREAM_URL_VARIABLES } from '@storefront/server';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../server/dist/main.js', import.meta.url));
const devStart = fileURLToPath(new URL('../dev/dist/start.js', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs a command with exactly this environment (no inherited variables but PATH and HOME), collecting what it prints. */
function run(command: string, args: readonly string[], env: Record<string, string>) {
  const child = spawn(command, args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = (): void => {
        const match = pattern.exec(output);
        if (match) resolve(match);
      };
      child.stdout.on('data', check);
      child.stderr.on('data', check);
      void exited.then(() => {
        reject(new Error(`exited before ${String(pattern)}:\n${output}`));
      });
    });
  return { child, exited, waitFor, output: () => output };
}

const node = (script: string, env: Record<string, string>) => run(process.execPath, [script], env);

/** Whether anything still answers at `url`. */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/healthz`);
    return true;
  } catch {
    return false;
  }
}

describe('npm start: the development entry (dev/) and the server', () => {
  it('finds the compiled server and development entry (npm test builds them first)', () => {
    expect(
      existsSync(main),
      'server/dist/main.js is missing: `npm test` builds it, or run `npm run build`',
    ).toBe(true);
    expect(
      existsSync(devStart),
      'dev/dist/start.js is missing: `npm test` builds it, or run `npm run build`',
    ).toBe(true);
  });

  it('starts the BFF on the embedded sandbox when nothing is configured, says loudly that the data is fake, serves product.page and stops on SIGTERM', async () => {
    const server = node(devStart, { PORT: '0' });
    try {
      const [, url] = await server.waitFor(/"url":"([^"]+)"[^\n]*"msg":"listening"/);
      expect(server.output()).toContain('FAKE DATA');
      const input = encodeURIComponent(JSON.stringify({ json: { sku: '000123' } }));
      const response = await fetch(`${url ?? ''}/trpc/product.page?input=${input}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('Trail Runner 2 & Co');
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
  });

  it('serves both ERP versions on the embedded sandbox: a canary share and shadow comparisons to watch', async () => {
    const server = node(devStart, {
      PORT: '0',
      ERP_V2_PERCENT: '50',
      ERP_SHADOW_PERCENT: '100',
      CACHE_MAX_BYTES: '0',
    });
    try {
      const [, url = ''] = await server.waitFor(/"url":"([^"]+)"[^\n]*"msg":"listening"/);
      const input = encodeURIComponent(JSON.stringify({ json: { sku: '000123' } }));
      const response = await fetch(`${url}/trpc/product.page?input=${input}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('server-timing')).toMatch(/(^|, )erp(-v2)?;dur=/);
      // A page's three reads (product, stock, recommended products) each compared and matching.
      // While its event loop is busy (a machine under load, its own start) the server drops most
      // shadow reads: another page is asked until each read has had one.
      await expect
        .poll(
          async () => {
            const series =
              (await (await fetch(`${url}/metrics`)).text()).match(
                /bff_shadow_comparisons_total\{[^}]*outcome="match"\} \d+/g,
              )?.length ?? 0;
            if (series < 3) await (await fetch(`${url}/trpc/product.page?input=${input}`)).text();
            return series;
          },
          { timeout: 20_000 },
        )
        .toBe(3);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
  }, 40_000);

  it('passes a SIGTERM sent to `npm start` on to the server, which stops', async () => {
    const npm = run('npm', ['start', '--silent'], {
      PORT: '0',
      TURBO_TELEMETRY_DISABLED: '1',
      TURBO_NO_UPDATE_NOTIFIER: '1',
    });
    const [, url = ''] = await npm.waitFor(/"url":"([^"]+)"[^\n]*"msg":"listening"/);
    expect(await answers(url)).toBe(true);
    npm.child.kill('SIGTERM');
    await npm.exited;
    await expect.poll(() => answers(url), { timeout: 5_000 }).toBe(false);
    expect(npm.output()).toMatch(/"signal":"SIGTERM"[^\n]*"msg":"shutting down"/);
  }, 60_000);

  it('never starts the sandbox under NODE_ENV=production: with nothing configured it stops, naming the missing variables', async () => {
    const server = node(devStart, { NODE_ENV: 'production' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('ERP_URL: required');
    expect(server.output()).toContain('AUTH_JWKS_URL: required');
    expect(server.output()).not.toContain('FAKE DATA');
  });

  it('runs the server alone on real upstreams only: with nothing configured it stops, naming the missing variables', async () => {
    const server = node(main, {});
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('ERP_URL: required');
    expect(server.output()).not.toContain('FAKE DATA');
  });

  it('stops at start-up on a partial configuration, naming each variable', async () => {
    const server = node(devStart, { ERP_URL: 'http://127.0.0.1:9/erp', PRICING_URL: 'not-a-url' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('FX_URL: required when upstream URLs are set (all or none)');
    expect(server.output()).toContain('PRICING_URL: must be an http(s) URL');
    expect(server.output()).toContain('ERP_API_KEY: required');
    expect(server.output()).not.toContain('FAKE DATA');
  });

  it('stops at start-up on a share of callers for a second ERP version that is not configured', async () => {
    const server = node(main, {
      ...Object.fromEntries(UPSTREAM_URL_VARIABLES.map((name) => [name, 'http://127.0.0.1:9'])),
      ...Object.fromEntries(UPSTREAM_KEY_VARIABLES.map((name) => [name, 'k'])),
      AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks',
      AUTH_ISSUER: 'i',
      AUTH_AUDIENCE: 'a',
      ERP_V2_PERCENT: '10',
    });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain(
      'ERP_V2_PERCENT: needs both ERP versions (ERP_URL and ERP_V2_URL); only one is configured',
    );
  });
});

describe('what the compiled app loads', () => {
  const app = fileURLToPath(new URL('../server/dist/app.js', import.meta.url));
  const config = fileURLToPath(new URL('../server/dist/config.js', import.meta.url));

  /** Builds the app from the compiled files in a fresh process and answers whether ioredis was loaded. */
  function loadsIoredis(extraEnv: Record<string, string>): Promise<string> {
    const script = `
      import { createRequire } from 'node:module';
      const { createApp } = await import(${JSON.stringify(app)});
      const { loadConfig } = await import(${JSON.stringify(config)});
      const urls = Object.fromEntries(['ERP','FX','PRICING','REVIEWS','RECOMMENDATIONS','ACCOUNTS','ORDERS','CART','WISHLIST','NOTIFICATIONS'].map((n) => [n + '_URL', 'http://127.0.0.1:9']));
      const keys = Object.fromEntries(['ERP','PRICING','REVIEWS','RECOMMENDATIONS','ACCOUNTS','ORDERS','CART','WISHLIST','NOTIFICATIONS'].map((n) => [n + '_API_KEY', 'k']));
      const loaded = loadConfig({ ...urls, ...keys, AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a', LOG_LEVEL: 'silent', ...JSON.parse(process.argv[1]) });
      if (!loaded.ok) throw new Error(loaded.errors.join('; '));
      const built = createApp(loaded.config);
      const cache = createRequire(${JSON.stringify(app)}).cache;
      process.stdout.write(String(Object.keys(cache).some((path) => path.includes('/node_modules/ioredis/'))));
      await built.close();
      process.exit(0);
    `;
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', script, JSON.stringify(extraEnv)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    return new Promise((resolve) =>
      child.once('exit', () => {
        resolve(output.trim());
      }),
    );
  }

  it('does not load ioredis when REDIS_URL is not set, and does when it is', async () => {
    expect(await loadsIoredis({})).toBe('false');
    expect(await loadsIoredis({ REDIS_URL: 'redis://127.0.0.1:9' })).toBe('true');
  });
});
